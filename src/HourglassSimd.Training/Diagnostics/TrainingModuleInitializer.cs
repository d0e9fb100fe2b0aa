using System.Runtime.CompilerServices;

namespace HourglassSimd.Training;

/// <summary>Runs <see cref="OneDnnIsaCap.Apply"/> when this assembly loads, before any of its code can call libtorch.</summary>
internal static class TrainingModuleInitializer
{
#pragma warning disable CA2255 // Deliberate: oneDNN reads its ISA variable once, so it must be set before the first torch call.
    [ModuleInitializer]
    internal static void Initialize() => OneDnnIsaCap.Apply();
#pragma warning restore CA2255
}
