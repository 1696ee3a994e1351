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
}
