using System.Globalization;
using LlamaJump.Interop;

namespace LlamaJump.Engine;

/// <summary>
/// The threads llama.cpp gets for one context: <see cref="Decode"/> for one-token generation steps
/// (<c>n_threads</c>) and <see cref="Batch"/> for prompts, dumps and verification batches (<c>n_threads_batch</c>).
/// Both come from the cores the process may use (<see cref="CpuBudget"/>), never the machine's core count. A model
/// whose weights are under <see cref="SmallModelBytes"/> decodes one token on one thread: its matrix products are
/// too small to split, and every extra thread only adds a barrier wait per graph node (measured on stories260K:
/// one thread faster than two, idle or loaded). An explicit thread count sets both. While generating, a plan of more
/// than one thread gives way to other processes' work (<see cref="Generation.ThreadGovernor"/>).
/// </summary>
/// <param name="Adaptive">whether generation may lower the threads while other processes keep cores busy
/// (<see cref="Generation.ThreadGovernor"/>); false for an explicit count</param>
public sealed record ThreadPlan(int Decode, int Batch, string Reason, bool Adaptive = true)
{
    /// <summary>Weights below this (bytes of tensor data) are a small model; see the type's comment.</summary>
    public const long SmallModelBytes = 32L << 20;

    public static ThreadPlan For(long modelBytes, int? requested, CpuBudget budget)
    {
        if (requested is { } n)
        {
            return new ThreadPlan(n, n, string.Create(CultureInfo.InvariantCulture, $"--threads {n}"), Adaptive: false);
        }
        int cores = budget.Cores;
        if (modelBytes < SmallModelBytes && cores > 1)
        {
            return new ThreadPlan(1, cores, string.Create(CultureInfo.InvariantCulture,
                $"a small model ({modelBytes / 1e6:0.#} MB): 1 thread per token, {cores} per batch of {budget.Describe()}"));
        }
        return new ThreadPlan(cores, cores, budget.Describe());
    }

    /// <summary>"1 thread per token, 2 per batch".</summary>
    public string Describe() => Decode == Batch
        ? string.Create(CultureInfo.InvariantCulture, $"{Decode} thread{(Decode == 1 ? "" : "s")}")
        : string.Create(CultureInfo.InvariantCulture, $"{Decode} thread{(Decode == 1 ? "" : "s")} per token, {Batch} per batch");
}
