using System.CommandLine;
using System.Globalization;
using LlamaJump.App;
using LlamaJump.Engine;
using LlamaJump.Interop;

namespace LlamaJump.Cli;

/// <summary>
/// <c>--rpc host:port[,host:port…]</c> and <c>--tensor-split a,b,…</c>, accepted by every verb (recursive options of
/// the root command): before the verb runs, the servers are connected and registered, so every model the verb loads
/// puts its layers on them (<see cref="ModelPlacement"/>), and a server lost mid-run ends the process with one line
/// and exit code 74 (a dump resumes from its journal on the rerun).
/// </summary>
internal static class RpcOptions
{
    public static Option<string?> Rpc { get; } = new("--rpc")
    {
        Description = "Run the model over llama.cpp RPC servers (`llamajump rpc-server`): host:port[,host:port…]; every layer goes to their devices (verbs that load no model ignore it)",
        Recursive = true,
    };

    public static Option<string?> TensorSplit { get; } = new("--tensor-split")
    {
        Description = "The share of the layers per RPC server (with --rpc) or local GPU, e.g. 3,1 (default: proportional to each device's free memory)",
        Recursive = true,
    };

    /// <summary>Connects what the command line names; null to go on, or the exit code of a one-line refusal.</summary>
    public static int? Apply(ParseResult parse, JobContext context)
    {
        string? rpc = parse.GetValue(Rpc), split = parse.GetValue(TensorSplit);
        if (rpc is null)
            return split is null ? null : ApplyLocalSplit(split, context);
        IReadOnlyList<RpcEndpoint> servers;
        float[]? shares = null;
        try
        {
            servers = RpcEndpoint.ParseList(rpc);
            if (split is not null)
                shares = ParseSplit(split, servers.Count);
        }
        catch (FormatException e)
        {
            return RootOptionRefusal.BadInput(context, $"--rpc/--tensor-split: {e.Message}");
        }
        try
        {
            // a server that answers the handshake with nonsense makes ggml-rpc abort: that is bad input too
            RpcServers.ExitOnLostServer(ExitCodes.BadInput, $"llamajump: error: an RPC server in {rpc} answered the handshake with nonsense");
            var devices = RpcServers.Connect(servers);
            context.Error.WriteLine($"rpc: {string.Join(", ", servers.Select((s, i) => $"{s} ({devices[i]} device{(devices[i] == 1 ? "" : "s")})"))}; the model's layers go there");
        }
        catch (RpcServerException e)
        {
            return RootOptionRefusal.BadInput(context, e.Message);
        }
        catch (NativeBackendMissingException e)
        {
            return RootOptionRefusal.Unavailable(context, e.Message);
        }
        ModelPlacement.TensorSplit = shares;
        RpcServers.ExitOnLostServer(ExitCodes.IoError, "llamajump: error: an RPC server was lost mid-run");
        return null;
    }

    /// <summary>--tensor-split without --rpc: the shares of this machine's GPUs.</summary>
    private static int? ApplyLocalSplit(string split, JobContext context)
    {
        try
        {
            int gpus = BackendDevices.LocalGpus().Count;
            if (gpus == 0)
                return RootOptionRefusal.BadInput(context, $"--tensor-split needs --rpc or local GPUs: {ModelPlacement.NoDeviceReason()}");
            ModelPlacement.TensorSplit = ParseSplit(split, gpus, "GPU");
            return null;
        }
        catch (FormatException e)
        {
            return RootOptionRefusal.BadInput(context, $"--tensor-split: {e.Message}");
        }
        catch (NativeBackendMissingException e)
        {
            return RootOptionRefusal.Unavailable(context, e.Message);
        }
    }

    private static float[] ParseSplit(string text, int devices, string what = "server")
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var shares = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out shares[i]) || !(shares[i] >= 0) || !float.IsFinite(shares[i]))
                throw new FormatException($"'{text}' is no list of non-negative numbers");
        }
        if (parts.Length != devices)
            throw new FormatException($"--tensor-split has {parts.Length} shares for {devices} {what}{(devices == 1 ? "" : "s")}");
        if (shares.Sum() <= 0)
            throw new FormatException($"'{text}' gives every {what} a share of 0");
        return shares;
    }
}
