using static TorchSharp.torch;

namespace HourglassSimd.Training;

/// <summary>Resolves a <see cref="DeviceChoice"/> to a TorchSharp device.</summary>
public static class DeviceSelection
{
    public static Device Resolve(DeviceChoice choice) => choice switch
    {
        DeviceChoice.Cpu => CPU,
        DeviceChoice.Cuda when cuda.is_available() => CUDA,
        DeviceChoice.Cuda => throw new TrainingException(
            "--device cuda: CUDA is not available (build with -p:TorchSharpBackend=cuda on a machine with an NVIDIA driver)"),
        _ => cuda.is_available() ? CUDA : CPU,
    };
}
