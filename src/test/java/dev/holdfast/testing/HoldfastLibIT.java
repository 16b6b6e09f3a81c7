package dev.holdfast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * What {@code mvn package} ships, read as files: the drop-in jars of both editions hold nothing outside
 * Holdfast's own packages (every bundled library relocated, no logging backend), the javax edition
 * refers to no {@code jakarta.servlet} anywhere, and every SLF4J call in the drop-in jar exists in SLF4J 1.7,
 * so an app's SLF4J 1.7 or 2.x both work.
 */
class HoldfastLibIT {

    private static final Path LIB = Paths.get("target/holdfast-lib");
    private static final Path JAVAX_LIB = Paths.get("target/holdfast-javax-lib");

    @Test
    void eachEditionIsHoldfastsJarTheDriverAndTheSlf4jApiOnly() throws IOException {
        for (Path lib : List.of(LIB, JAVAX_LIB)) {
            List<String> jars = jarNames(lib);
            assertEquals(3, jars.size(), lib + ": " + jars);
            assertEquals("holdfast-core.jar", jars.get(0), lib + ": " + jars);
            assertTrue(jars.get(1).startsWith("postgresql-"), lib + ": " + jars);
            assertTrue(jars.get(2).startsWith("slf4j-api-"), lib + ": " + jars);
        }
    }

    /** A library added to the dependencies but not to the relocations in pom.xml fails here, by name. */
    @Test
    void theDropInJarHoldsOnlyHoldfastsOwnPackages() throws IOException {
        for (Path jar : List.of(LIB.resolve("holdfast-core.jar"), JAVAX_LIB.resolve("holdfast-core.jar"))) {
            Set<String> outside = new TreeSet<>();
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                for (ZipEntry entry : Collections.list(zip.entries())) {
                    String name = entry.getName();
                    if (name.endsWith(".class") && !name.startsWith("dev/holdfast/")) {
                        outside.add(name.substring(0, Math.max(name.lastIndexOf('/'), 0)));
                    }
                    if (name.startsWith("META-INF/services/") && !entry.isDirectory()) {
                        assertTrue(name.startsWith("META-INF/services/dev.holdfast."), jar + ": " + name
                                + " would be found by the app's own libraries");
                    }
                }
            }
            assertTrue(outside.isEmpty(), jar + ": packages not relocated under dev.holdfast: " + outside);
        }
    }

    @Test
    void theJavaxEditionRefersToNoJakartaServletClassOrName() throws IOException {
        List<String> found = new ArrayList<>();
        try (ZipFile jar = new ZipFile(JAVAX_LIB.resolve("holdfast-core.jar").toFile())) {
            found.addAll(jakartaMentions(jar, ""));
        }
        Path javaxWar = Paths.get(System.getProperty("test.holdfast.javax.war", "target/holdfast-javax.war"));
        try (ZipFile war = new ZipFile(javaxWar.toFile())) {
            found.addAll(jakartaMentions(war, "WEB-INF/classes/"));
            String webXml = read(war, "WEB-INF/web.xml");
            assertTrue(webXml.contains("xmlns=\"http://xmlns.jcp.org/xml/ns/javaee\"") && webXml.contains("version=\"4.0\""),
                    webXml);
            for (ZipEntry entry : Collections.list(war.entries())) {
                if (entry.getName().endsWith(".jsp") || entry.getName().endsWith(".jspf")) {
                    assertFalse(read(war, entry.getName()).contains("jakarta."), entry.getName());
                }
            }
        }
        assertTrue(found.isEmpty(), "jakarta.servlet in the javax edition: " + found);
        try (ZipFile jar = new ZipFile(LIB.resolve("holdfast-core.jar").toFile())) {
            assertFalse(jakartaMentions(jar, "").isEmpty(), "the check finds the jakarta edition's references");
        }
    }

    /**
     * Every method and class of {@code org.slf4j} that the drop-in jar uses (Holdfast's code and the bundled
     * libraries) exists in slf4j-api 1.7.36, the last 1.7: the fluent API of 2.x would be a
     * {@code NoSuchMethodError} in an app that ships 1.7.
     */
    @Test
    void usesOnlySlf4jApiThatExistsIn17() throws Exception {
        Path slf4j17;
        try (Stream<Path> jars = Files.list(Paths.get(System.getProperty("test.old-app.lib", "target/it/old-app-lib")))) {
            slf4j17 = jars.filter(p -> p.getFileName().toString().equals("slf4j-api-1.7.36.jar")).findFirst().orElseThrow();
        }
        Set<String> missing = new TreeSet<>();
        Set<String> checked = new TreeSet<>();
        try (URLClassLoader api17 = new URLClassLoader(new URL[] {slf4j17.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
             ZipFile jar = new ZipFile(LIB.resolve("holdfast-core.jar").toFile())) {
            for (ZipEntry entry : Collections.list(jar.entries())) {
                if (!entry.getName().endsWith(".class")) {
                    continue;
                }
                ConstantPool pool;
                try (InputStream in = jar.getInputStream(entry)) {
                    pool = ConstantPool.read(in.readAllBytes());
                }
                for (String className : pool.classes()) {
                    if (className.startsWith("org/slf4j/") && !exists(api17, className)) {
                        missing.add(className);
                    }
                }
                for (String[] method : pool.methods()) {
                    if (method[0].startsWith("org/slf4j/")) {
                        checked.add(method[0] + "." + method[1] + method[2]);
                        if (!exists(api17, method[0], method[1], method[2])) {
                            missing.add(method[0] + "." + method[1] + method[2] + " (in " + entry.getName() + ")");
                        }
                    }
                }
            }
        }
        assertTrue(checked.stream().anyMatch(m -> m.startsWith("org/slf4j/Logger.info")), "the check sees SLF4J calls: " + checked);
        assertTrue(missing.isEmpty(), "not in SLF4J 1.7: " + missing);
    }

    private static boolean exists(ClassLoader loader, String internalName) {
        try {
            Class.forName(internalName.replace('/', '.'), false, loader);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static boolean exists(ClassLoader loader, String owner, String name, String descriptor) {
        Class<?> type;
        try {
            type = Class.forName(owner.replace('/', '.'), false, loader);
        } catch (ClassNotFoundException e) {
            return false;
        }
        List<Executable> candidates = new ArrayList<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            Collections.addAll(candidates, c.getDeclaredMethods());
            Collections.addAll(candidates, c.getDeclaredConstructors());
        }
        Collections.addAll(candidates, type.getMethods());
        Collections.addAll(candidates, Object.class.getMethods()); // an interface answers Object's methods too
        for (Executable candidate : candidates) {
            String candidateName = candidate instanceof Constructor ? "<init>" : candidate.getName();
            if (candidateName.equals(name) && descriptor(candidate).equals(descriptor)) {
                return true;
            }
        }
        return false;
    }

    private static String descriptor(Executable executable) {
        String parameters = Stream.of(executable.getParameterTypes()).map(HoldfastLibIT::descriptor).collect(Collectors.joining());
        String result = executable instanceof Method ? descriptor(((Method) executable).getReturnType()) : "V";
        return "(" + parameters + ")" + result;
    }

    private static String descriptor(Class<?> type) {
        if (type.isArray()) {
            return "[" + descriptor(type.getComponentType());
        }
        if (!type.isPrimitive()) {
            return "L" + type.getName().replace('.', '/') + ";";
        }
        return String.valueOf("ZBCSIJFDV".charAt(List.of(boolean.class, byte.class, char.class, short.class, int.class,
                long.class, float.class, double.class, void.class).indexOf(type)));
    }

    private static List<String> jakartaMentions(ZipFile zip, String prefix) throws IOException {
        List<String> found = new ArrayList<>();
        for (ZipEntry entry : Collections.list(zip.entries())) {
            if (entry.getName().startsWith(prefix) && entry.getName().endsWith(".class")) {
                try (InputStream in = zip.getInputStream(entry)) {
                    for (String utf8 : ConstantPool.read(in.readAllBytes()).strings()) {
                        if (utf8.contains("jakarta/servlet") || utf8.contains("jakarta.servlet")) {
                            found.add(entry.getName() + ": " + utf8);
                        }
                    }
                }
            }
        }
        return found;
    }

    private static List<String> jarNames(Path lib) throws IOException {
        try (Stream<Path> files = Files.list(lib)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted().collect(Collectors.toList());
        }
    }

    private static String read(ZipFile zip, String name) throws IOException {
        try (InputStream in = zip.getInputStream(zip.getEntry(name))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The constant pool of a class file (JVMS 4.4): its UTF-8 strings, class names and method references. */
    private static final class ConstantPool {
        private final Object[] entries;
        private final int[][] refs;
        private final byte[] tags;

        private ConstantPool(Object[] entries, int[][] refs, byte[] tags) {
            this.entries = entries;
            this.refs = refs;
            this.tags = tags;
        }

        static ConstantPool read(byte[] classFile) throws IOException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
            if (in.readInt() != 0xCAFEBABE) {
                throw new IOException("not a class file");
            }
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            Object[] entries = new Object[count];
            int[][] refs = new int[count][];
            byte[] tags = new byte[count];
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                tags[i] = (byte) tag;
                switch (tag) {
                    case 1: entries[i] = in.readUTF(); break;
                    case 3: case 4: in.readInt(); break;
                    case 5: case 6: in.readLong(); i++; break;
                    case 7: case 8: case 16: case 19: case 20: refs[i] = new int[] {in.readUnsignedShort()}; break;
                    case 9: case 10: case 11: case 12: case 17: case 18:
                        refs[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
                        break;
                    case 15: in.readUnsignedByte(); in.readUnsignedShort(); break;
                    default: throw new IOException("unknown constant pool tag " + tag);
                }
            }
            return new ConstantPool(entries, refs, tags);
        }

        List<String> strings() {
            List<String> strings = new ArrayList<>();
            for (Object entry : entries) {
                if (entry instanceof String) {
                    strings.add((String) entry);
                }
            }
            return strings;
        }

        List<String> classes() {
            List<String> classes = new ArrayList<>();
            for (int i = 1; i < tags.length; i++) {
                if (tags[i] == 7) {
                    classes.add((String) entries[refs[i][0]]);
                }
            }
            return classes;
        }

        /** {owner, name, descriptor} of every Methodref and InterfaceMethodref. */
        List<String[]> methods() {
            List<String[]> methods = new ArrayList<>();
            for (int i = 1; i < tags.length; i++) {
                if (tags[i] == 10 || tags[i] == 11) {
                    String owner = (String) entries[refs[refs[i][0]][0]];
                    int[] nameAndType = refs[refs[i][1]];
                    methods.add(new String[] {owner, (String) entries[nameAndType[0]], (String) entries[nameAndType[1]]});
                }
            }
            return methods;
        }
    }
}
