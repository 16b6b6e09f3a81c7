package dev.holdfast.testing;

import java.nio.file.Path;
import java.nio.file.Paths;

/** {@link OldAppDropIn} on Tomcat 9 with the javax edition, {@code holdfast-javax-lib/}. */
class DropInOldAppTomcat9IT extends OldAppDropIn {
    @Override
    Path holdfastLib() {
        return Paths.get("target/holdfast-javax-lib");
    }

    @Override
    Path tomcatHome() {
        return TomcatProcess.tomcat9Home();
    }

    @Override
    String webXml(String servlet4WebXml) {
        return servlet4WebXml;
    }
}
