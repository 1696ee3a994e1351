using LlamaJump.Interop;

namespace LlamaJump.Engine;

/// <summary>The offload devices no layer can go to: why, and what would give one.</summary>
public sealed class NoGpuException(string message) : InvalidOperationException(message);

/// <summary>
/// Where <see cref="ModelSession"/> puts a model's layers, process-wide like llama.cpp's device registry: on this
/// machine's CPU, or on the offload devices — local GPUs of a GPU build (GGML_CUDA=1 ./build.sh) and the devices of
/// RPC servers once <see cref="RpcServers.Connect"/> has registered them — as many layers as <see cref="GpuLayers"/>
/// says, split by <see cref="TensorSplit"/>.
/// </summary>
public static class ModelPlacement
{
    /// <summary>A layer count above any model's: every block and the output head.</summary>
    public const int AllLayers = 999;

    /// <summary>The layers to offload (<c>--gpu-layers</c>); <see cref="GpuLayers.Auto"/> unless set.</summary>
    public static GpuLayers GpuLayers { get; set; } = GpuLayers.Auto;

    /// <summary>Proportions of the layers per offload device, in registration order (llama.cpp's --tensor-split);
    /// null: llama.cpp's default, proportional to each device's free memory.</summary>
    public static float[]? TensorSplit { get; set; }

    /// <summary>Whether models load onto RPC servers.</summary>
    public static bool IsRemote => RpcServers.Connected.Count > 0;

    /// <summary>The devices layers are offloaded to: local GPUs and RPC servers' devices, in the registry's order.</summary>
    public static IReadOnlyList<BackendDevice> OffloadDevices() =>
        BackendDevices.List().Where(d => d.Kind is BackendDeviceKind.Gpu or BackendDeviceKind.Rpc).ToList();

    /// <summary>The llama.cpp layer count (-ngl) <see cref="GpuLayers"/> comes to with the devices at hand.</summary>
    public static int ResolvedLayerCount() => LayerCountFor(GpuLayers);

    /// <summary>The llama.cpp layer count (-ngl) <paramref name="layers"/> comes to with the devices at hand: 0 without
    /// an offload device for auto and all; <see cref="NoGpuException"/> for a count without one.</summary>
    public static int LayerCountFor(GpuLayers layers)
    {
        bool any = OffloadDevices().Count > 0;
        if (layers.Layers is { } count)
        {
            if (count > 0 && !any)
                throw new NoGpuException($"--gpu-layers {count}: {NoDeviceReason()}");
            return count;
        }
        return any ? AllLayers : 0;
    }

    /// <summary>Why no layer can be offloaded here, with what would change it.</summary>
    public static string NoDeviceReason()
    {
        var compiled = BackendDevices.CompiledGpuBackends();
        return compiled.Count == 0
            ? "this native build is CPU-only (GGML_CUDA=1 ./build.sh builds the CUDA backend; --rpc puts layers on RPC servers)"
            : $"the native build has {string.Join(", ", compiled)} but no device is visible (check the driver, nvidia-smi, CUDA_VISIBLE_DEVICES)";
    }

    /// <summary>Where a model of <paramref name="blocks"/> blocks runs under <paramref name="gpuLayers"/> (default:
    /// <see cref="GpuLayers"/>): the blocks offloaded, whether the output head is, and the devices.</summary>
    public static (int BlocksOffloaded, bool HeadOffloaded, IReadOnlyList<string> Devices) Describe(int blocks, GpuLayers? gpuLayers = null)
    {
        int layers = LayerCountFor(gpuLayers ?? GpuLayers);
        var devices = OffloadDevices();
        if (layers == 0 || devices.Count == 0)
            return (0, false, ["CPU"]);
        return (Math.Min(layers, blocks), layers > blocks, devices.Select(d => d.Name).ToList());
    }

    /// <summary>Sets where <paramref name="parameters"/> put the layers: <see cref="ResolvedLayerCount"/> of them on
    /// the offload devices, split by <see cref="TensorSplit"/>.</summary>
    public static void Apply(LLama.Common.ModelParams parameters) => Apply(parameters, ResolvedLayerCount());

    /// <summary>Sets <paramref name="layers"/> (a <see cref="ResolvedLayerCount"/> the caller already has: resolving
    /// lists the devices, a round trip per RPC server) on the offload devices, split by <see cref="TensorSplit"/>.</summary>
    public static void Apply(LLama.Common.ModelParams parameters, int layers)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(layers);
        parameters.GpuLayerCount = layers;
        if (layers > 0 && TensorSplit is { } split)
            parameters.TensorSplits = new LLama.Abstractions.TensorSplitsCollection(split);
    }
}
