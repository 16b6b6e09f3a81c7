package dev.holdfast.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateDirectoryTest {
    @TempDir
    Path parent;

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void createsAMissingDirectoryAndItsParentsOwnerOnly() throws Exception {
        Path dir = parent.resolve("a/b/spool");
        assertEquals(dir, PrivateDirectory.prepare(dir));
        assertTrue(Files.isDirectory(dir));
        assertEquals("rwx------", mode(dir));
        assertEquals(dir, PrivateDirectory.prepare(dir), "an existing one of ours is fine");
    }

    @Test
    void createsFilesOwnerOnlyWhateverTheUmaskAndTheCallerAsked() throws Exception {
        Path dir = PrivateDirectory.prepare(parent.resolve("spool"));
        try (FileChannel channel = PrivateDirectory.open(dir.resolve("f"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            assertTrue(channel.isOpen());
        }
        assertEquals("rw-------", mode(dir.resolve("f")));
        // a file that exists with a wider mode is narrowed when opened again
        Files.setPosixFilePermissions(dir.resolve("f"), PosixFilePermissions.fromString("rw-r--r--"));
        PrivateDirectory.open(dir.resolve("f"), StandardOpenOption.WRITE).close();
        assertEquals("rw-------", mode(dir.resolve("f")));
    }

    @Test
    void refusesASymbolicLinkNamingIt() throws Exception {
        Path target = Files.createDirectory(parent.resolve("target"));
        Path link = Files.createSymbolicLink(parent.resolve("link"), target);
        UnsafeDirectoryException e = assertThrows(UnsafeDirectoryException.class, () -> PrivateDirectory.prepare(link));
        assertEquals("is a symbolic link", e.reason());
        assertEquals(link + " is a symbolic link", e.getMessage());
    }

    @Test
    void refusesADirectoryGroupOrOthersCanWrite() throws Exception {
        Path dir = Files.createDirectory(parent.resolve("open"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        UnsafeDirectoryException e = assertThrows(UnsafeDirectoryException.class, () -> PrivateDirectory.prepare(dir));
        assertEquals("can be written by group or others (mode rwxrwxrwx)", e.reason());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx-w----"));
        assertEquals("can be written by group or others (mode rwx-w----)",
                assertThrows(UnsafeDirectoryException.class, () -> PrivateDirectory.prepare(dir)).reason());
    }

    @Test
    void narrowsADirectoryOfOursThatOthersCanReadAndTheFilesInIt() throws Exception {
        Path dir = Files.createDirectory(parent.resolve("readable"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path file = Files.createFile(dir.resolve("segment-00000000000000000001.log"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        PrivateDirectory.prepare(dir);
        assertEquals("rwx------", mode(dir));
        assertEquals("rw-------", mode(file));
    }

    @Test
    void refusesAFileWhereADirectoryShouldBe() throws Exception {
        Path file = Files.createFile(parent.resolve("file"));
        assertEquals("is not a directory",
                assertThrows(UnsafeDirectoryException.class, () -> PrivateDirectory.prepare(file)).reason());
    }

    @Test
    void refusesADirectoryAnotherUserOwns() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a directory away");
        Path dir = Files.createDirectory(parent.resolve("theirs"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(dir, nobody);
        UnsafeDirectoryException e = assertThrows(UnsafeDirectoryException.class, () -> PrivateDirectory.prepare(dir));
        assertEquals("is owned by [nobody], not by [root], the user Holdfast runs as", e.reason());
    }

    @Test
    void tellsTemporaryDirectoriesFromPersistentOnes() {
        assertTrue(PrivateDirectory.isTemporary(Paths.get(System.getProperty("java.io.tmpdir"), "x"), List.of()));
        assertTrue(PrivateDirectory.isTemporary(Paths.get("/tmp/holdfast-audit"), List.of()));
        assertTrue(PrivateDirectory.isTemporary(Paths.get("/var/tmp/holdfast/audit"), List.of()));
        assertTrue(PrivateDirectory.isTemporary(Paths.get("/srv/tomcat/work/app/audit"), List.of(Paths.get("/srv/tomcat/work"))));
        assertFalse(PrivateDirectory.isTemporary(Paths.get("/var/lib/holdfast/audit"), List.of()));
        assertFalse(PrivateDirectory.isTemporary(Paths.get("/tmpfiles/audit"), List.of()), "a prefix of a name is not a parent");
    }
}
