using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LlamaJump.App;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Models;

namespace LlamaJump.App.Bench;

/// <summary>How a <c>generate</c> child runs: as llamajump chooses (tuned), or as before the thread plan and the
/// OpenMP spin setting (untuned: every core, libgomp's default spin of 300 000).</summary>
public enum LoadTuning { Tuned, Untuned }

/// <summary>Where the machine stands while a <c>generate</c> runs: alone, beside a one-core busy loop, or as one of
/// two <c>generate</c> processes started together.</summary>
public enum LoadScenario { Idle, BusyCore, TwoProcesses }

/// <summary>Median decode tokens/s of one model, scenario and tuning over the repeats; <see cref="TimedOut"/> when a
/// child ran past the time limit (its rate is then an upper bound from the tokens asked for).</summary>
public sealed record LoadCell(string Model, LoadScenario Scenario, LoadTuning Tuning, double TokensPerSecond, bool TimedOut);

public sealed record LoadBenchResult(IReadOnlyList<string> Models, int Tokens, int Repeats, string Budget, string TunedSpin, IReadOnlyList<LoadCell> Cells)
{
    public LoadCell Cell(string model, LoadScenario scenario, LoadTuning tuning) =>
        Cells.Single(c => c.Model == model && c.Scenario == scenario && c.Tuning == tuning);
}

/// <summary>The options of <c>bench load</c>: the models, tokens per run, repeats, the per-run timeout, the OpenMP spin count to compare (null: the default).</summary>
public sealed record LoadBenchOptions(IReadOnlyList<string> ModelNames, int Tokens, int Repeats, int TimeoutSeconds, int? SpinCount);

/// <summary>
/// <c>llamajump bench load</c>: decode speed when the cores are shared. Every measurement is a separate
/// <c>llamajump generate --json</c> process (greedy, full mode, the same prompt), so each one loads its libraries —
/// and libgomp its spin setting — as a user's would; its <c>tokens_per_second</c> (decode only) is the figure. The
/// scenarios and both tunings run in alternating order over the repeats so that drift on a shared machine hits all
/// alike; the busy loop is a shell <c>while :; do :; done</c>, killed after each run.
/// </summary>
public sealed class LoadBenchmark(LoadBenchOptions options) : IJob<LoadBenchResult>
{
    public const string DefaultPrompt = "Once upon a time, there was a little girl named Lily.";

    /// <summary>libgomp's own spin count when neither OMP_WAIT_POLICY nor GOMP_SPINCOUNT is set.</summary>
    private const string LibgompDefaultSpin = "300000";

    public LoadBenchResult Execute(JobContext context, CancellationToken cancel)
    {
        var (modelNames, tokens, repeats, timeoutSeconds, spinCount) = options;
        var models = context.Models;
        var log = context.Log;
        var paths = modelNames.Select(models.Resolve).ToList();
        string app = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find the llamajump executable");
        var budget = CpuBudget.Current();
        var samples = new Dictionary<(string, LoadScenario, LoadTuning), List<(double Rate, bool TimedOut)>>();
        var progress = new ProgressReporter(log, "bench load", paths.Count * repeats * 6, "runs");
        for (int repeat = 0; repeat < repeats && !cancel.IsCancellationRequested; repeat++)
        {
            foreach (var path in paths)
            {
                var tunings = repeat % 2 == 0 ? new[] { LoadTuning.Tuned, LoadTuning.Untuned } : [LoadTuning.Untuned, LoadTuning.Tuned];
                foreach (var scenario in Enum.GetValues<LoadScenario>())
                {
                    foreach (var tuning in tunings)
                    {
                        cancel.ThrowIfCancellationRequested();
                        var rates = Measure(app, path, scenario, tuning, tokens, budget.Cores, timeoutSeconds, spinCount);
                        var list = samples.TryGetValue((path, scenario, tuning), out var l) ? l : samples[(path, scenario, tuning)] = [];
                        list.AddRange(rates);
                        progress.Advance(1);
                    }
                }
            }
        }
        progress.Finish();
        var cells = samples.Select(kv => new LoadCell(Path.GetFileName(kv.Key.Item1), kv.Key.Item2, kv.Key.Item3,
            ExitBenchmark.Median(kv.Value.Select(s => s.Rate)), kv.Value.Any(s => s.TimedOut))).ToList();
        string spin = (spinCount ?? OpenMpWaiting.DefaultSpinCount).ToString(CultureInfo.InvariantCulture);
        return new LoadBenchResult(paths.Select(Path.GetFileName).ToList()!, tokens, repeats, budget.Describe(), spin, cells);
    }

    /// <summary>The decode rates of one run of <paramref name="scenario"/> (two for <see cref="LoadScenario.TwoProcesses"/>).</summary>
    private static IReadOnlyList<(double Rate, bool TimedOut)> Measure(string app, string model, LoadScenario scenario, LoadTuning tuning,
        int tokens, int cores, int timeoutSeconds, int? spinCount)
    {
        using var busy = scenario == LoadScenario.BusyCore ? StartBusyLoop() : null;
        int count = scenario == LoadScenario.TwoProcesses ? 2 : 1;
        var children = Enumerable.Range(0, count).Select(_ => StartGenerate(app, model, tuning, tokens, cores, spinCount)).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        try
        {
            return children.Select(c => c.Finish(deadline, tokens, timeoutSeconds)).ToList();
        }
        finally
        {
            foreach (var child in children)
            {
                child.Dispose();
            }
            if (busy is not null)
            {
                Kill(busy);
            }
        }
    }

    private static Process StartBusyLoop()
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("while :; do :; done");
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the busy loop (/bin/sh)");
        Thread.Sleep(200); // let the scheduler see it before the measured process starts
        return process;
    }

    /// <param name="spinCount">the tuned children's GOMP_SPINCOUNT (null: what llamajump sets by itself)</param>
    private static GenerateChild StartGenerate(string app, string model, LoadTuning tuning, int tokens, int cores, int? spinCount)
    {
        var info = new ProcessStartInfo(app)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in new[] { "generate", "--model", model, "--prompt", DefaultPrompt, "--max-tokens", tokens.ToString(CultureInfo.InvariantCulture), "--json" })
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment.Remove(OpenMpWaiting.SpinCountVariable);
        info.Environment.Remove(OpenMpWaiting.WaitPolicyVariable);
        if (tuning == LoadTuning.Untuned)
        {
            info.ArgumentList.Add("--threads");
            info.ArgumentList.Add(cores.ToString(CultureInfo.InvariantCulture));
            info.Environment[OpenMpWaiting.SpinCountVariable] = LibgompDefaultSpin;
        }
        else if (spinCount is { } spins)
        {
            info.Environment[OpenMpWaiting.SpinCountVariable] = spins.ToString(CultureInfo.InvariantCulture);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {app}");
        process.StandardInput.Close();
        return new GenerateChild(process);
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // it has already exited
        }
        process.Dispose();
    }

    /// <summary>A running <c>generate --json</c>: both streams read as they come, so a full pipe never stalls it.</summary>
    private sealed class GenerateChild(Process process) : IDisposable
    {
        private readonly Task<string> _stdout = process.StandardOutput.ReadToEndAsync();
        private readonly Task<string> _stderr = process.StandardError.ReadToEndAsync();

        /// <summary>Its tokens/s, or (tokens / time limit, timed out) when it is still running at the deadline.</summary>
        public (double Rate, bool TimedOut) Finish(DateTime deadline, int tokens, int timeoutSeconds)
        {
            var left = deadline - DateTime.UtcNow;
            if (!process.WaitForExit(left > TimeSpan.Zero ? left : TimeSpan.Zero))
            {
                Kill(process);
                return (tokens / (double)timeoutSeconds, true);
            }
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                string last = _stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
                throw new InvalidOperationException($"generate exited with {process.ExitCode}: {last}");
            }
            using var json = JsonDocument.Parse(_stdout.Result);
            return (json.RootElement.GetProperty("stats").GetProperty("tokens_per_second").GetDouble(), false);
        }

        public void Dispose() => Kill(process);
    }
}
