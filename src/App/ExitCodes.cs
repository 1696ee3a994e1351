namespace LlamaJump.App;

/// <summary>Process exit codes (sysexits-style where one fits).</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>System.CommandLine's code for a command line it cannot parse.</summary>
    public const int UsageError = 1;
    /// <summary>Bad input: a missing or malformed model, file or argument value.</summary>
    public const int BadInput = 2;
    /// <summary>The native backend or TorchSharp is missing or does not load.</summary>
    public const int Unavailable = 69;
    /// <summary>A bug: an exception nobody anticipated.</summary>
    public const int InternalError = 70;
    /// <summary>Reading or writing a file failed (disk full, I/O error).</summary>
    public const int IoError = 74;
    /// <summary>Stopped by Ctrl-C or SIGTERM after keeping completed work (128 + SIGINT).</summary>
    public const int Interrupted = 130;
}
