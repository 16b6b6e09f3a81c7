package dev.holdfast.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory only the user Holdfast runs as can enter: where the spools and the credential tier's disk store
 * live. {@link #prepare} creates it with mode {@code 0700} (set explicitly after creation, so the umask does
 * not matter) and refuses, with an {@link UnsafeDirectoryException}, a directory that
 * <ul>
 *   <li>is a symbolic link (whoever could plant it chooses where the records go),</li>
 *   <li>is owned by another user, or</li>
 *   <li>group or others can write (they could replace the files in it).</li>
 * </ul>
 * A directory of ours that group or others can only read or enter is narrowed to {@code 0700}, its files to
 * {@code 0600}, with a WARN. {@link #open} creates files in it as {@code 0600}. On a file system without POSIX
 * permissions (Windows) only the symbolic-link and owner checks apply.
 */
public final class PrivateDirectory {
    private static final Logger log = LoggerFactory.getLogger(PrivateDirectory.class);
    private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> WRITABLE_BY_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
    private static final Set<PosixFilePermission> OPEN_TO_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PrivateDirectory() {
    }

    /**
     * Creates {@code directory} (and missing parents) owner-only, or checks an existing one; returns its absolute
     * path.
     *
     * @throws UnsafeDirectoryException when it is a symbolic link, not a directory, another user's, or writable
     *     by group or others
     * @throws IOException when it cannot be created or read
     */
    public static Path prepare(Path directory) throws IOException {
        Path dir = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
        boolean posix = supportsPosix(dir);
        if (Files.isSymbolicLink(dir)) {
            throw new UnsafeDirectoryException(dir, "is a symbolic link");
        }
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = dir.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                if (posix) {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
                    Files.setPosixFilePermissions(dir, DIRECTORY_MODE);
                } else {
                    Files.createDirectory(dir);
                }
            } catch (FileAlreadyExistsException raced) {
                // Someone created it between our look and our create: check theirs like any existing one.
                log.debug("{} appeared while being created", dir, raced);
            }
            if (Files.isSymbolicLink(dir)) {
                throw new UnsafeDirectoryException(dir, "is a symbolic link");
            }
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new UnsafeDirectoryException(dir, "is not a directory");
        }
        UserPrincipal owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS);
        Optional<UserPrincipal> me = currentUser(dir);
        if (me.isPresent() && !owner.equals(me.get())) {
            throw new UnsafeDirectoryException(dir, "is owned by [" + owner.getName() + "], not by ["
                    + me.get().getName() + "], the user Holdfast runs as");
        }
        if (posix) {
            Set<PosixFilePermission> mode = Files.readAttributes(dir, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).permissions();
            if (!disjoint(mode, WRITABLE_BY_OTHERS)) {
                throw new UnsafeDirectoryException(dir, "can be written by group or others (mode "
                        + PosixFilePermissions.toString(mode) + ")");
            }
            if (!disjoint(mode, OPEN_TO_OTHERS)) {
                log.warn("holdfast: {} was readable by group or others (mode {}); narrowed to rwx------",
                        dir, PosixFilePermissions.toString(mode));
                Files.setPosixFilePermissions(dir, DIRECTORY_MODE);
            }
            narrowFiles(dir);
        }
        return dir;
    }

    /**
     * Opens {@code file} (in a prepared directory) with {@code options}; when this creates it, it is created
     * with mode {@code 0600}, and the mode is set again afterwards whatever the umask did.
     */
    public static FileChannel open(Path file, OpenOption... options) throws IOException {
        Set<OpenOption> set = new HashSet<>(Arrays.asList(options));
        boolean posix = supportsPosix(file.getParent() == null ? file : file.getParent());
        if (!posix) {
            return FileChannel.open(file, set);
        }
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(FILE_MODE);
        FileChannel channel = FileChannel.open(file, set, mode);
        try {
            Set<PosixFilePermission> actual = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            if (!actual.equals(FILE_MODE)) {
                Files.setPosixFilePermissions(file, FILE_MODE);
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    /**
     * Gives every file under {@code dir} mode {@code 0600} and every directory {@code 0700} (for a library that
     * creates its own files there, such as Ehcache's disk store). No-op without POSIX permissions.
     */
    public static void narrowTree(Path dir) throws IOException {
        if (!supportsPosix(dir)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            walk.forEach(all::add);
        }
        for (Path path : all) {
            if (Files.isSymbolicLink(path)) {
                continue;
            }
            Set<PosixFilePermission> want = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? DIRECTORY_MODE : FILE_MODE;
            if (!Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS).equals(want)) {
                Files.setPosixFilePermissions(path, want);
            }
        }
    }

    /**
     * Whether {@code dir} lies in a directory that is commonly wiped at reboot or redeploy: the JVM's
     * {@code java.io.tmpdir}, {@code /tmp}, {@code /var/tmp}, or one of {@code others} (the servlet container's
     * temporary directory).
     */
    public static boolean isTemporary(Path dir, List<Path> others) {
        List<Path> temporary = new ArrayList<>(others);
        temporary.add(Paths.get(System.getProperty("java.io.tmpdir")));
        temporary.add(Paths.get("/tmp"));
        temporary.add(Paths.get("/var/tmp"));
        Path candidate = canonical(dir);
        for (Path temp : temporary) {
            if (candidate.startsWith(canonical(temp))) {
                return true;
            }
        }
        return false;
    }

    /** The real path of the longest existing prefix of {@code path}, with the rest appended. */
    private static Path canonical(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute));
        } catch (IOException e) {
            return absolute;
        }
    }

    private static void narrowFiles(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
                    if (!disjoint(mode, OPEN_TO_OTHERS)) {
                        Files.setPosixFilePermissions(file, FILE_MODE);
                    }
                }
            }
        }
    }

    private static boolean supportsPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static Optional<UserPrincipal> currentUser(Path dir) {
        try {
            return Optional.of(dir.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(System.getProperty("user.name")));
        } catch (IOException | UnsupportedOperationException e) {
            // No user database to ask (a container without one): the mode checks still apply.
            log.debug("cannot look up user [{}]: {}", System.getProperty("user.name"), e.toString());
            return Optional.empty();
        }
    }

    private static boolean disjoint(Set<PosixFilePermission> a, Set<PosixFilePermission> b) {
        for (PosixFilePermission p : a) {
            if (b.contains(p)) {
                return false;
            }
        }
        return true;
    }
}
