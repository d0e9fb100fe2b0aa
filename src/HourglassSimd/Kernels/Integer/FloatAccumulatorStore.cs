using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace HourglassSimd.Kernels.Integer;

/// <summary>
/// The float output of an integer convolution for the 16 channels of one group at the pixels of one work item (a row segment):
/// <c>(float)acc × float_multiplier[o]</c>, plus a float residual if any, added separately (no fused multiply-add),
/// as <see cref="Quantization.Requantization.ToFloat(int, float, float)"/> computes it, so that every path gives the
/// same floats. Shared by the int8 and int16 kernels' requantizers.
/// </summary>
internal readonly unsafe struct FloatAccumulatorStore
{
    private readonly float* _output;
    private readonly nint _pixelStride;
    private readonly nint _residualDelta;
    private readonly bool _hasResidual;
    private readonly Vector256<float> _m0, _m1;

    /// <param name="output">
    /// The layer's float output (null: none): output channel o of pixel (y, x) at <c>output + (o / 16) · groupStride +
    /// y · rowStride + x · pixelStride + o % 16</c>, as the kernels' <c>FloatOutput</c> fields say.
    /// </param>
    /// <param name="groupStride">Floats from one group of 16 channels to the next.</param>
    /// <param name="rowStride">Floats from one output row to the next.</param>
    /// <param name="pixelStride">Floats from one output pixel to the next.</param>
    /// <param name="residual">A float map laid out as the output (it may be the output itself), or null.</param>
    /// <param name="multipliers">Per output channel, <c>x_scale · w_scale[o]</c>.</param>
    /// <param name="group">The item's output-channel group.</param>
    /// <param name="row">The item's output row.</param>
    /// <param name="x">The item's first output pixel in the row.</param>
    public FloatAccumulatorStore(float* output, nint groupStride, nint rowStride, nint pixelStride, float* residual, float* multipliers,
        int group, int row, int x)
    {
        _output = output == null ? null : output + group * groupStride + row * rowStride + x * pixelStride;
        _pixelStride = pixelStride;
        _residualDelta = residual == null ? 0 : (nint)(residual - output);
        _hasResidual = residual != null;
        _m0 = output == null ? default : Vector256.Load(multipliers + group * IntegerConvTiling.GroupChannels);
        _m1 = output == null ? default : Vector256.Load(multipliers + group * IntegerConvTiling.GroupChannels + 8);
    }

    /// <summary>Stores pixel <paramref name="p"/> of the item from its accumulators for channels 0..7 and 8..15 (nothing without an output).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(int p, Vector256<int> first, Vector256<int> second)
    {
        if (_output == null)
            return;
        float* f = _output + p * _pixelStride;
        Vector256<float> v0 = Vector256.ConvertToSingle(first) * _m0, v1 = Vector256.ConvertToSingle(second) * _m1;
        if (_hasResidual)
        {
            v0 += Vector256.Load(f + _residualDelta); // a separate add, as the scalar path: no fused multiply-add
            v1 += Vector256.Load(f + _residualDelta + 8);
        }
        v0.Store(f);
        v1.Store(f + 8);
    }
}
