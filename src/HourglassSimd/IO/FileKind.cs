namespace HourglassSimd.IO;

/// <summary>What a path names in the file system (symbolic links followed), as <see cref="FileKinds.Of"/> reports it.</summary>
public enum FileKind
{
    /// <summary>Nothing exists at the path (or a symbolic link points nowhere).</summary>
    Missing,

    /// <summary>A regular file: the only kind the readers read and the writers replace.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A character device such as <c>/dev/null</c> or <c>/dev/zero</c>.</summary>
    CharacterDevice,

    /// <summary>A block device such as a disk.</summary>
    BlockDevice,

    /// <summary>A FIFO (named pipe): reading waits for a writer, writing for a reader.</summary>
    Fifo,

    /// <summary>A Unix domain socket.</summary>
    Socket,
}
