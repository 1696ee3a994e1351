using LlamaJump.App;

namespace LlamaJump.Cli;

/// <summary>How the root command's options (<see cref="CacheTypeOptions"/>, <see cref="RpcOptions"/>,
/// <see cref="GpuOptions"/>) refuse before any verb runs: one line on stderr and the exit code.</summary>
internal static class RootOptionRefusal
{
    /// <summary>Bad input: exit code 2.</summary>
    public static int BadInput(JobContext context, string message) => Write(context, message, ExitCodes.BadInput);

    /// <summary>The native backend is missing: exit code 69.</summary>
    public static int Unavailable(JobContext context, string message) => Write(context, message, ExitCodes.Unavailable);

    private static int Write(JobContext context, string message, int code)
    {
        context.Error.WriteLine($"llamajump: error: {message}");
        return code;
    }
}
