using HourglassSimd.TestSupport;
using HourglassSimd.Parity.Tests.Support;
using HourglassSimd.Benchmarks.Comparison;
using Xunit.Abstractions;

namespace HourglassSimd.Parity.Tests;

/// <summary>The engine runners behind <c>bench --compare</c> and the benchmarks: same answers, no per-call garbage.</summary>
public sealed class ForwardRunnersTests(ITestOutputHelper output)
{
    [Fact]
    public void Runners_agree_on_the_same_weights_and_input()
    {
        var arch = new HourglassArchitecture(2, features: 32, joints: 16, inputHeight: 64, inputWidth: 128);
        var weights = HourglassWeights.CreateRandom(arch, 21);
        float[] input = TestInputs.Images(arch, batch: 2, seed: 22);
        var runners = ForwardRunners.Create(arch, weights, input, threads: 2);
        try
        {
            Assert.Equal(["HourglassSimd", "OnnxRuntime"], runners.Select(r => r.Name));
            var differences = ForwardRunners.CheckAgreement(runners);
            foreach (var (runner, difference) in runners.Zip(differences))
                output.WriteLine($"{runner.Description}: relative difference to {runners[0].Name} {difference:E2}");

            float[] expected;
            using (var network = HourglassNetwork.Create(arch, weights))
                expected = network.Run(input);
            StackComparison.AssertStacksClose(arch, 2, expected, runners[1].Output, "OnnxRuntimeRunner vs HourglassNetwork", output);
            Assert.Equal(expected, runners[0].Output.ToArray());
        }
        finally
        {
            foreach (var runner in runners)
                runner.Dispose();
        }
    }

    [Theory]
    [InlineData(ForwardRunners.HourglassSimd)]
    [InlineData(ForwardRunners.OnnxRuntime)]
    public void Warm_runs_allocate_no_managed_memory(string engine)
    {
        var arch = new HourglassArchitecture(1, features: 16, joints: 16, inputHeight: 64, inputWidth: 64);
        var setup = new ForwardSetup(arch, HourglassWeights.CreateRandom(arch, 1), TestInputs.Images(arch, 1, 2), threads: 2);
        using var runner = ForwardRunners.Create(engine, setup);
        for (int i = 0; i < 3; i++)
            runner.Run();
        var windows = WarmAllocations.Windows(runner.Run, passesPerWindow: 20);
        output.WriteLine($"{runner.Description}: managed bytes allocated per window of 20 warm Run() calls: {string.Join(", ", windows)}");
        Assert.True(windows[^1] == 0, $"every window of 20 warm Run() calls allocated: {string.Join(", ", windows)} bytes");
    }

    [Fact]
    public void Unknown_engine_is_rejected_with_the_known_names()
    {
        var arch = new HourglassArchitecture(1, features: 8, joints: 16, inputHeight: 64, inputWidth: 64);
        var setup = new ForwardSetup(arch, HourglassWeights.CreateRandom(arch, 1), TestInputs.Images(arch, 1, 2), threads: 1);
        var error = Assert.Throws<ArgumentException>(() => ForwardRunners.Create("tensorflow", setup));
        Assert.Contains("onnxruntime", error.Message);
        Assert.Contains("hourglasssimd", error.Message);
    }

    [Fact]
    public void Setup_rejects_an_input_that_is_not_whole_images()
    {
        var arch = new HourglassArchitecture(1, features: 8, joints: 16, inputHeight: 64, inputWidth: 64);
        Assert.Throws<ArgumentException>(() => new ForwardSetup(arch, HourglassWeights.CreateRandom(arch, 1), new float[arch.InputSizePerImage + 1], threads: 1));
    }
}
