namespace HourglassSimd.Diagnostics;

/// <summary>
/// The CPU's level 2 and level 3 data cache sizes as Linux reports them for CPU 0 (<c>/sys/devices/system/cpu/cpu0/cache</c>),
/// for the memory-traffic report; null where they cannot be read (another OS, a container without sysfs).
/// </summary>
internal static class CacheSizes
{
    private const string Folder = "/sys/devices/system/cpu/cpu0/cache";

    public static (long? L2, long? L3) Read() => (Size(2), Size(3));

    private static long? Size(int level)
    {
        try
        {
            if (!Directory.Exists(Folder))
                return null;
            foreach (string index in Directory.EnumerateDirectories(Folder, "index*"))
            {
                if (File.ReadAllText(Path.Combine(index, "level")).Trim() != level.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    continue;
                string size = File.ReadAllText(Path.Combine(index, "size")).Trim(); // e.g. "1024K"
                long multiplier = size.EndsWith('K') ? 1024 : size.EndsWith('M') ? 1024 * 1024 : 1;
                return long.TryParse(size.TrimEnd('K', 'M'), out long value) ? value * multiplier : null;
            }
            return null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
