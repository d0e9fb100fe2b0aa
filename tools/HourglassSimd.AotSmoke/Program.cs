using System.Diagnostics;
using HourglassSimd;

// HourglassSimd.AotSmoke [--require-simd] [model.hgw]: loads the model (or writes and loads a small seeded one), runs
// one image at the model's size and prints what ran. Exit code 0 only when the heatmaps are finite and of the expected
// size (and, with --require-simd, when a SIMD path ran).
var clock = Stopwatch.StartNew();
bool requireSimd = args.Contains("--require-simd");
args = [.. args.Where(a => a != "--require-simd")];
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
    bool ok = heatmaps.Length == network.OutputLength(1) && heatmaps.All(float.IsFinite) && !(requireSimd && network.Isa == KernelIsa.Scalar);
    Console.WriteLine($"model {a}; {network.Isa}, {network.ThreadCount} thread(s); normalization {network.Normalization}");
    Console.WriteLine($"load {loaded.TotalMilliseconds:F0} ms, first run {(ran - loaded).TotalMilliseconds:F0} ms; heatmaps {heatmaps.Length} floats, max {heatmaps.Max():F4}; {(ok ? "ok" : "FAILED")}");
    return ok ? 0 : 1;
}
finally
{
    if (args.Length == 0)
        File.Delete(path);
}
