using System.Diagnostics;
using HourglassSimd;

// HourglassSimd.AotSmoke [--require-simd] [--heatmaps out.f32] [--compare other.f32] [model.hgw]: loads the model (or
// writes and loads a small seeded one), runs one image at the model's size and prints what ran. Exit code 0 only when
// the heatmaps are finite and of the expected size (and, with --require-simd, when a SIMD path ran; with --compare,
// when they lie within 1e-4 x max |output| of the given ones). --heatmaps also writes them as raw little-endian
// float32, to compare runs on other CPUs (tools/arm64-check.sh runs it under ARM64 emulation).
var clock = Stopwatch.StartNew();
bool requireSimd = args.Contains("--require-simd");
args = [.. args.Where(a => a != "--require-simd")];
if (!TakeValue(ref args, "--heatmaps", out string? heatmapsPath) || !TakeValue(ref args, "--compare", out string? comparePath))
    return 1;
string path;
if (args.Length > 0)
{
    path = args[0];
}
else
{
    var arch = new HourglassArchitecture(stacks: 1, features: 32, joints: 16, inputHeight: 64, inputWidth: 64);
    path = Path.Combine(Path.GetTempPath(), $"hourglass-aot-smoke-{Environment.ProcessId}.hgw");
    new HourglassModelFile(arch, HourglassWeights.CreateRandom(arch, seed: 1)).Save(path);
}

try
{
    using var network = HourglassNetwork.Load(path);
    var loaded = clock.Elapsed;
    var a = network.Architecture;
    var image = new float[a.InputSizePerImage];
    for (int i = 0; i < image.Length; i++)
        image[i] = (i % 251) / 251f;
    float[] heatmaps = network.Run(image);
    var ran = clock.Elapsed;
    if (heatmapsPath is not null)
        File.WriteAllBytes(heatmapsPath, System.Runtime.InteropServices.MemoryMarshal.AsBytes(heatmaps.AsSpan()).ToArray());
    bool ok = heatmaps.Length == network.OutputLength(1) && heatmaps.All(float.IsFinite) && !(requireSimd && network.Isa == KernelIsa.Scalar);
    Console.WriteLine($"model {a}; {network.Isa}{(network.QuantizedKernels is { } q ? $", {q}" : "")}, {network.ThreadCount} thread(s); normalization {network.Normalization}");
    if (comparePath is not null)
    {
        float[] other = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(comparePath)).ToArray();
        bool sameSize = other.Length == heatmaps.Length;
        float largest = 0, difference = 0;
        int identical = 0;
        for (int i = 0; sameSize && i < heatmaps.Length; i++)
        {
            largest = MathF.Max(largest, MathF.Abs(other[i]));
            difference = MathF.Max(difference, MathF.Abs(other[i] - heatmaps[i]));
            identical += BitConverter.SingleToInt32Bits(other[i]) == BitConverter.SingleToInt32Bits(heatmaps[i]) ? 1 : 0;
        }
        bool close = sameSize && difference <= 1e-4f * largest;
        Console.WriteLine(sameSize
            ? $"against {Path.GetFileName(comparePath)}: max |difference| {difference:G3} = {difference / largest:G3} x max |output|, {identical} of {heatmaps.Length} values bitwise identical; {(close ? "within" : "NOT within")} 1e-4"
            : $"against {Path.GetFileName(comparePath)}: {other.Length} values, not {heatmaps.Length}");
        ok &= close;
    }
    Console.WriteLine($"load {loaded.TotalMilliseconds:F0} ms, first run {(ran - loaded).TotalMilliseconds:F0} ms; heatmaps {heatmaps.Length} floats, max {heatmaps.Max():F4}; {(ok ? "ok" : "FAILED")}");
    return ok ? 0 : 1;
}
finally
{
    if (args.Length == 0)
        File.Delete(path);
}

// Removes "name value" from args; false (with a message) when the value is missing.
static bool TakeValue(ref string[] args, string name, out string? value)
{
    value = null;
    int at = Array.IndexOf(args, name);
    if (at < 0)
        return true;
    if (at + 1 >= args.Length)
    {
        Console.Error.WriteLine($"error: {name} needs a file name.");
        return false;
    }
    value = args[at + 1];
    args = [.. args[..at], .. args[(at + 2)..]];
    return true;
}
