using System.Runtime.InteropServices;

namespace HourglassSimd.IO;

/// <summary>
/// Tells regular files from devices, FIFOs and sockets, which .NET does not expose: on Linux and macOS through the C
/// library's <c>statx</c> / <c>stat</c> (symbolic links followed); elsewhere only directories are told apart. The readers
/// refuse anything but a regular file before opening it (opening a FIFO blocks; <c>/dev/zero</c> never ends), and
/// <see cref="AtomicFile"/> refuses to replace one.
/// </summary>
public static class FileKinds
{
    /// <summary>What <paramref name="path"/> names.</summary>
    public static FileKind Of(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsLinux() && UnixFileMode.Linux(path) is { } linuxMode)
            return FromMode(linuxMode);
        if (OperatingSystem.IsMacOS() && UnixFileMode.MacOS(path) is { } macMode)
            return FromMode(macMode);
        if (Directory.Exists(path))
            return FileKind.Directory;
        return File.Exists(path) ? FileKind.Regular : FileKind.Missing;
    }

    /// <summary>The kind in words, with its article: "a character device", "a FIFO (named pipe)", ...</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Missing => "missing",
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a directory",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.Socket => "a socket",
        _ => "not a regular file",
    };

    /// <summary>
    /// One sentence for a path that exists but is not a regular file, e.g. <c>'/dev/zero' is a character device, not a
    /// regular file.</c>; null when it is a regular file or missing.
    /// </summary>
    public static string? NotRegularReason(string path)
    {
        var kind = Of(path);
        return kind is FileKind.Regular or FileKind.Missing ? null : $"'{path}' is {Describe(kind)}, not a regular file.";
    }

    // The file-type bits of st_mode (S_IFMT), the same on Linux and macOS.
    private static FileKind FromMode(int mode) => (mode & 0xF000) switch
    {
        0x8000 => FileKind.Regular,
        0x4000 => FileKind.Directory,
        0x2000 => FileKind.CharacterDevice,
        0x6000 => FileKind.BlockDevice,
        0x1000 => FileKind.Fifo,
        0xC000 => FileKind.Socket,
        _ => FileKind.Regular, // a symbolic link cannot appear (links are followed); treat anything else as a file
    };

    /// <summary>
    /// <c>st_mode</c> through the C library, or null when the call fails (nothing at the path, no permission) or is not
    /// available: then the caller falls back to what .NET tells.
    /// </summary>
    private static class UnixFileMode
    {
        private const int AtCurrentDirectory = -100; // AT_FDCWD
        private const uint StatxType = 0x1;          // STATX_TYPE
        private const int StatxModeOffset = 28;      // stx_mode in struct statx (the same layout on every architecture)
        private const int MacModeOffset = 4;         // st_mode in macOS's struct stat (64-bit inodes), x64 and arm64
        private const int BufferBytes = 256;         // struct statx is 256 bytes, macOS's struct stat 144

        public static int? Linux(string path)
        {
            var buffer = new byte[BufferBytes];
            try
            {
                return statx(AtCurrentDirectory, path, 0, StatxType, buffer) == 0 ? BitConverter.ToUInt16(buffer, StatxModeOffset) : null;
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                return null; // a C library without statx (glibc before 2.28)
            }
        }

        public static int? MacOS(string path)
        {
            var buffer = new byte[BufferBytes];
            try
            {
                int result = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? stat_x64(path, buffer) : stat(path, buffer);
                return result == 0 ? BitConverter.ToUInt16(buffer, MacModeOffset) : null;
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                return null;
            }
        }

#pragma warning disable SYSLIB1054 // plain DllImport: blittable arguments only, no generated marshalling code needed
        [DllImport("libc")]
        private static extern int statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);

        [DllImport("libc")]
        private static extern int stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buffer);

        [DllImport("libc", EntryPoint = "stat$INODE64")]
        private static extern int stat_x64([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buffer);
#pragma warning restore SYSLIB1054
    }
}
