using System.CommandLine;
using LlamaJump.App;
using LlamaJump.Engine;
using LlamaJump.Interop;

namespace LlamaJump.Cli;

/// <summary>
/// <c>--gpu-layers N|all|auto</c>, accepted by every verb (a recursive option of the root command; verbs that load
/// no model ignore it): how many layers of every model the verb loads go to the offload devices — local GPUs of a GPU
/// build, RPC servers (<see cref="ModelPlacement"/>). auto (the default) offloads everything where a device is
/// registered and never fails; all asks for that and says so when it runs on the CPU; a count without a device is
/// refused with one line and exit code 2.
/// </summary>
internal static class GpuOptions
{
    public static Option<string?> GpuLayers { get; } = new("--gpu-layers")
    {
        Description = "Layers to offload to the GPU / RPC devices: a count, all, or auto (default: all where a GPU or RPC server is present, else 0); the output head is the layer after the last block",
        Recursive = true,
    };

    /// <summary>Sets <see cref="ModelPlacement.GpuLayers"/>; null to go on, or the exit code of a one-line refusal.
    /// Runs after the RPC servers are registered, whose devices count as offload devices.</summary>
    public static int? Apply(ParseResult parse, JobContext context)
    {
        if (parse.GetValue(GpuLayers) is not { } text)
            return null;
        Engine.GpuLayers layers;
        try
        {
            layers = Engine.GpuLayers.Parse(text);
        }
        catch (FormatException e)
        {
            return RootOptionRefusal.BadInput(context, $"--gpu-layers: {e.Message}");
        }
        ModelPlacement.GpuLayers = layers;
        if (layers.IsAuto || layers.Layers == 0)
            return null;
        try
        {
            var devices = ModelPlacement.OffloadDevices();
            if (devices.Count == 0)
            {
                ModelPlacement.ResolvedLayerCount(); // throws NoGpuException for a count; all goes on, on the CPU
                context.Error.WriteLine($"gpu: --gpu-layers all, but {ModelPlacement.NoDeviceReason()}: every layer runs on the CPU");
                return null;
            }
            if (devices.Any(d => d.Kind == BackendDeviceKind.Gpu))
                context.Error.WriteLine($"gpu: {(layers.IsAll ? "all" : layers.ToString())} layers on {string.Join(", ", devices.Select(d => $"{d.Name} ({d.Description})"))}");
            return null;
        }
        catch (NoGpuException e)
        {
            return RootOptionRefusal.BadInput(context, e.Message);
        }
        catch (NativeBackendMissingException e)
        {
            return RootOptionRefusal.Unavailable(context, e.Message);
        }
    }
}
