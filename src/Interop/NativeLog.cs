using LLama.Native;

namespace LlamaJump.Interop;

/// <summary>Where llama.cpp's log lines go. By default (after <see cref="Quiet"/>) only errors reach stderr, so that
/// command output stays readable; <c>LLAMAJUMP_VERBOSE=1</c> forwards everything.</summary>
public static class NativeLog
{
    /// <summary>Forwards llama.cpp messages at <paramref name="minimum"/> or above to <paramref name="sink"/>.</summary>
    public static void Route(TextWriter sink, LLamaLogLevel minimum)
    {
        NativeBackend.Initialize();
        NativeLogConfig.llama_log_set((level, message) =>
        {
            if (level >= minimum && level != LLamaLogLevel.Continue)
            {
                sink.Write(message);
            }
        });
    }

    /// <summary>Errors only, or everything when LLAMAJUMP_VERBOSE=1.</summary>
    public static void Quiet(TextWriter sink) =>
        Route(sink, Environment.GetEnvironmentVariable("LLAMAJUMP_VERBOSE") == "1" ? LLamaLogLevel.Debug : LLamaLogLevel.Error);
}
