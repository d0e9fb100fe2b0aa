namespace HourglassSimd.Benchmarks.Reporting;

/// <summary>A benchmark parameter that knows how many floating-point operations one benchmark invocation does.</summary>
public interface IFlopCount
{
    /// <summary>FLOPs per invocation (2 per multiply-accumulate, direct-convolution count).</summary>
    double Flops { get; }
}
