using LlamaJump.Interop;

namespace LlamaJump.Engine;

/// <summary>
/// Where <see cref="ModelSession"/> puts a model's layers, process-wide like llama.cpp's device registry: on this
/// machine's CPU, or — once <see cref="RpcServers.Connect"/> has registered servers — every block and the output on
/// the registered devices (llama.cpp's -ngl 99 over RPC), split by <see cref="TensorSplit"/>.
/// </summary>
public static class ModelPlacement
{
    /// <summary>Layers offloaded when servers are registered: more than any model has, so all of them.</summary>
    public const int AllLayers = 999;

    /// <summary>Proportions of the layers per registered device, in registration order (llama.cpp's --tensor-split);
    /// null: llama.cpp's default, proportional to each device's free memory.</summary>
    public static float[]? TensorSplit { get; set; }

    /// <summary>Whether models load onto RPC servers.</summary>
    public static bool IsRemote => RpcServers.Connected.Count > 0;

    /// <summary>Sets where <paramref name="parameters"/> put the layers: none offloaded, or all of them on the
    /// registered devices, split by <see cref="TensorSplit"/>.</summary>
    public static void Apply(LLama.Common.ModelParams parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.GpuLayerCount = IsRemote ? AllLayers : 0;
        if (IsRemote && TensorSplit is { } split)
            parameters.TensorSplits = new LLama.Abstractions.TensorSplitsCollection(split);
    }
}
