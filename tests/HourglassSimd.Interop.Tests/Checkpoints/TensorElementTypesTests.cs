using System.Buffers.Binary;
using HourglassSimd.Interop.Checkpoints;

namespace HourglassSimd.Interop.Tests.Checkpoints;

/// <summary>The vectorized float16 and float64 conversions equal the scalar casts, at any byte offset.</summary>
public sealed class TensorElementTypesTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 1000)]
    [InlineData(1, 37)]
    [InlineData(3, 129)]
    public void Float64_converts_as_the_scalar_cast(int offset, int count)
    {
        var random = new Random(count + offset);
        double[] values = [.. Enumerable.Range(0, count).Select(i => i % 7 == 0 ? double.MaxValue * (i % 2 == 0 ? 1 : -1) : (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-40, 40)))];
        byte[] bytes = new byte[offset + 8 * count];
        for (int i = 0; i < count; i++)
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(offset + 8 * i), values[i]);
        var actual = new float[count];
        TensorElementType.Float64.ToFloat32(bytes.AsSpan(offset), actual);
        Assert.Equal(values.Select(v => (float)v), actual);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 1000)]
    [InlineData(1, 67)]
    public void Float16_converts_exactly(int offset, int count)
    {
        var random = new Random(count);
        Half[] values = [.. Enumerable.Range(0, count).Select(i => BitConverter.UInt16BitsToHalf((ushort)random.Next(0, 0x7C00)) * (i % 2 == 0 ? (Half)1 : (Half)(-1)))];
        byte[] bytes = new byte[offset + 2 * count];
        for (int i = 0; i < count; i++)
            BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(offset + 2 * i), values[i]);
        var actual = new float[count];
        TensorElementType.Float16.ToFloat32(bytes.AsSpan(offset), actual);
        Assert.Equal(values.Select(v => (float)v), actual);
    }
}
