using HourglassSimd.TestSupport;
using FsCheck.Xunit;
using HourglassSimd.Tensors;

namespace HourglassSimd.Tests.Kernels;

public sealed unsafe class ActivationLayoutTests
{
    [Property(MaxTest = 50)]
    public void Pack_then_unpack_round_trips_and_halo_stays_zero(byte c, byte h, byte w, bool blocked, byte halo, int seed)
    {
        var layout = new ActivationLayout(c % 40 + 1, h % 9 + 1, w % 9 + 1, blocked ? 16 : 1, halo % 4);
        float[] image = TestArrays.Uniform(new Random(seed), layout.Channels * layout.Height * layout.Width);
        var buffer = new float[layout.Size];
        Array.Fill(buffer, 7f);
        var back = new float[image.Length];
        fixed (float* p = buffer)
        {
            layout.ZeroHalo(p);
            layout.PackFrom(image, p);
            layout.UnpackTo(p, back);
        }
        Assert.Equal(image, back);
        for (int g = 0; g < layout.Groups; g++)
        for (int y = 0; y < layout.PaddedHeight; y++)
        for (int x = 0; x < layout.PaddedWidth; x++)
        {
            bool border = y < layout.Halo || y >= layout.Halo + layout.Height || x < layout.Halo || x >= layout.Halo + layout.Width;
            if (border)
                for (int lane = 0; lane < layout.Pack; lane++)
                    Assert.Equal(0f, buffer[g * layout.GroupStride + y * layout.RowStride + x * layout.Pack + lane]);
        }
    }
}
