using LlamaJump.Models;

namespace LlamaJump.App;

/// <summary>What every job gets: <see cref="Out"/> for its results (the verb's stdout), <see cref="Error"/> for its
/// log — progress, notes and one-line errors (the verb's stderr) — and how model names resolve.</summary>
public sealed record JobContext(TextWriter Out, TextWriter Error, ModelResolver Models)
{
    /// <summary>Where a job writes its progress and notes: <see cref="Error"/>.</summary>
    public TextWriter Log => Error;

    /// <summary>The same context with the log (and error stream) sent to <paramref name="log"/>.</summary>
    public JobContext WithLog(TextWriter log) => this with { Error = log };

    /// <summary>A context for embedding: output and log discarded, model names resolved as the CLI does.</summary>
    public static JobContext Quiet(ModelResolver models) => new(TextWriter.Null, TextWriter.Null, models);
}

/// <summary>
/// The work behind one verb, runnable without a process: typed options go to the constructor, <see cref="Execute"/>
/// does the work and returns a typed result. Bad input throws (<see cref="UserInputException"/> and the exceptions
/// <see cref="JobRunner"/> maps to exit codes); the token stops it between units of work, leaving
/// what it wrote resumable.
/// </summary>
public interface IJob<out TResult>
{
    TResult Execute(JobContext context, CancellationToken cancel);
}
