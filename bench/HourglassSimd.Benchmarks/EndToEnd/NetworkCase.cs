using HourglassSimd.Benchmarks.Reporting;

namespace HourglassSimd.Benchmarks.EndToEnd;

/// <summary>One end-to-end case: the paper's network (256 features, 16 joints, 256×256 input) with a stack count and a batch size.</summary>
public sealed record NetworkCase(int Stacks, int Batch) : IFlopCount
{
    public HourglassArchitecture Architecture => new(Stacks, features: 256, joints: 16, inputHeight: 256, inputWidth: 256);

    public double Flops => 2.0 * Architecture.MacCount * Batch;

    public override string ToString() => $"S={Stacks} N={Batch}";
}
