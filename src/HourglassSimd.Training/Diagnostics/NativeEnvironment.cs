using System.Runtime.InteropServices;

namespace HourglassSimd.Training;

/// <summary>Reads and writes the process environment that native code (libtorch, oneDNN) sees.</summary>
/// <remarks>
/// On Linux and macOS, <see cref="Environment.SetEnvironmentVariable(string, string?)"/> only changes .NET's own copy of
/// the environment; C code calling <c>getenv</c> never sees it. So there this goes through libc <c>setenv</c>/<c>getenv</c>.
/// On Windows the .NET call is Win32 <c>SetEnvironmentVariableW</c>, which is what oneDNN reads there
/// (<c>GetEnvironmentVariable</c> in its <c>dnnl::impl::getenv</c>); the C runtime's own <c>getenv</c> copy is not
/// updated, but oneDNN does not use it.
/// </remarks>
internal static partial class NativeEnvironment
{
    public static string? Get(string name)
    {
        if (OperatingSystem.IsWindows())
        {
            return Environment.GetEnvironmentVariable(name);
        }

        IntPtr value = getenv(name);
        return value == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(value);
    }

    public static void Set(string name, string value)
    {
        if (OperatingSystem.IsWindows())
        {
            Environment.SetEnvironmentVariable(name, value);
            return;
        }

        if (setenv(name, value, 1) != 0)
        {
            throw new InvalidOperationException($"setenv({name}) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    // "libc" is mapped by the runtime to libc.so.6 on Linux and to libSystem on macOS.
    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr getenv(string name);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int setenv(string name, string value, int overwrite);
}
