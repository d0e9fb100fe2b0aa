using System.Text.Json;
using System.Text.Json.Serialization;

namespace HourglassSimd.Training;

/// <summary>The JSON written next to each checkpoint: what it is and how to resume from it.</summary>
/// <remarks>The checkpoint itself is a plain TorchSharp <c>Module.save</c> state dict (kernel-notes §4); this sidecar
/// carries the architecture and the epoch, which that format has no room for.</remarks>
public sealed record CheckpointMetadata
{
    public int Epoch { get; init; }

    public int Stacks { get; init; }

    public int Features { get; init; }

    public int Joints { get; init; }

    /// <summary>Hourglass depth; files written before it existed have none and are the paper's 4.</summary>
    public int Depth { get; init; } = PoseNetArchitecture.DefaultDepth;

    /// <summary>Residual block type; files written before it existed have none and are the paper's bottleneck.</summary>
    public ResidualBlock Block { get; init; } = ResidualBlock.Bottleneck;

    /// <summary>Residual modules per hourglass box; files written before it existed have none and are the paper's 1.</summary>
    public int ModulesPerLevel { get; init; } = 1;

    /// <summary>Inner widths of pruned residual modules by prefix (<see cref="HourglassArchitecture.Widths"/>); null for none.</summary>
    public Dictionary<string, int>? ResidualWidths { get; init; }

    /// <summary>Outputs of a pruned stem convolution (<see cref="HourglassArchitecture.StemChannels"/>); null for the paper's 64.</summary>
    public int? StemChannels { get; init; }

    public int InputSize { get; init; }

    public float Sigma { get; init; }

    public double LearningRate { get; init; }

    public double TrainLoss { get; init; }

    public double? ValidationLoss { get; init; }

    /// <summary>File name (same folder) of the RMSprop state, or null when it was not kept.</summary>
    public string? OptimizerState { get; init; }

    [JsonIgnore]
    public PoseNetArchitecture Architecture => new(Stacks, Features, Joints)
    {
        Depth = Depth,
        Block = Block,
        ModulesPerLevel = ModulesPerLevel,
        Widths = ResidualWidths is null ? null : new ResidualWidths(ResidualWidths),
        StemChannels = StemChannels ?? HourglassArchitecture.DefaultStemChannels,
    };

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter<ResidualBlock>(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));

    public static CheckpointMetadata? TryRead(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<CheckpointMetadata>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new TrainingException($"checkpoint metadata '{path}' is not valid: {e.Message}");
        }
    }
}
