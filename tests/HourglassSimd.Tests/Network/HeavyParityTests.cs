using Xunit.Abstractions;

namespace HourglassSimd.Tests.Network;

/// <summary>Full-size parity runs (minutes of reference computation): <c>dotnet test --filter Category=Heavy</c>.</summary>
[Trait("Category", "Heavy")]
public sealed class HeavyParityTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(8, 256, 16, 64, 64, KernelIsa.Vector512)]
    [InlineData(8, 256, 16, 64, 64, KernelIsa.Vector256)]
    [InlineData(2, 256, 16, 256, 256, KernelIsa.Vector512)]
    [InlineData(8, 256, 16, 256, 256, KernelIsa.Vector512)]
    public void Full_size_engine_matches_reference(int stacks, int features, int joints, int height, int width, KernelIsa isa) =>
        NetworkParityTests.CheckParity(new HourglassArchitecture(stacks, features, joints, height, width), isa, batch: 1, output);
}
