using System.CommandLine;
using System.Globalization;
using LlamaJump.App;
using LlamaJump.App.Bench;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Models;

namespace LlamaJump.Cli.Verbs;

/// <summary><c>llamajump bench load</c>: decode tokens/s idle, beside a one-core busy loop and as two concurrent
/// processes, as llamajump tunes its threads and as it did before, side by side in one run.</summary>
public static class BenchLoadCommand
{
    public static Command Create(JobContext context)
    {
        var models = new Option<string[]>("--models")
        {
            Description = "Models (paths or names; default: stories260K and build/bench/llama-24x1024-f16.gguf when it exists)",
            AllowMultipleArgumentsPerToken = true,
        };
        var tokens = new Option<int>("--tokens") { Description = "Tokens each generate process decodes", DefaultValueFactory = _ => 64 };
        var repeats = new Option<int>("--repeats") { Description = "Alternating repeats of every scenario", DefaultValueFactory = _ => 3 };
        var timeout = new Option<int>("--timeout") { Description = "Seconds one generate process may take before it counts as collapsed", DefaultValueFactory = _ => 120 };
        var spin = new Option<int?>("--spin-count") { Description = $"GOMP_SPINCOUNT of the tuned runs (default: llamajump's {OpenMpWaiting.DefaultSpinCount})" };
        var command = new Command("load", "Decode speed idle, beside a busy core and as two processes at once, tuned vs untuned")
        {
            models, tokens, repeats, timeout, spin,
        };
        command.SetAction(parse => JobRunner.Run(context, () =>
        {
            if (parse.GetValue(tokens) < 1 || parse.GetValue(repeats) < 1 || parse.GetValue(timeout) < 1)
                throw new UserInputException("--tokens, --repeats and --timeout must be positive");
            if (parse.GetValue(spin) is < 0)
                throw new UserInputException("--spin-count must be 0 or more");
            var names = parse.GetValue(models) is { Length: > 0 } given ? given : DefaultModels();
            using var interruption = new Interruption(context.Error);
            var result = new LoadBenchmark(new LoadBenchOptions(names, parse.GetValue(tokens), parse.GetValue(repeats), parse.GetValue(timeout),
                parse.GetValue(spin))).Execute(context, interruption.Token);
            Print(context.Out, result);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static string[] DefaultModels()
    {
        string bench = Path.Combine(ModelResolver.LocateHome(), "build", "bench", "llama-24x1024-f16.gguf");
        return File.Exists(bench) ? [ModelResolver.DefaultModelName, bench] : [ModelResolver.DefaultModelName];
    }

    private static void Print(TextWriter o, LoadBenchResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(inv, $"bench load: {r.Tokens} tokens per generate, median of {r.Repeats} alternating repeats; this process may use {r.Budget}"));
        o.WriteLine($"tuned = llamajump's thread plan, GOMP_SPINCOUNT={r.TunedSpin}; untuned = every core, libgomp's default spin of 300000 (as before)");
        string Rate(LoadCell c) => (c.TimedOut ? "<" : "") + c.TokensPerSecond.ToString("0.0", inv);
        // a ratio with a timed-out side is a bound at best; show it only when both sides finished
        string Ratio(LoadCell a, LoadCell b) => a.TimedOut || b.TimedOut ? "—" : (a.TokensPerSecond / b.TokensPerSecond).ToString("0.00", inv) + "×";
        var rows = new List<IReadOnlyList<string>>();
        foreach (var model in r.Models)
        {
            foreach (var scenario in Enum.GetValues<LoadScenario>())
            {
                var tuned = r.Cell(model, scenario, LoadTuning.Tuned);
                var untuned = r.Cell(model, scenario, LoadTuning.Untuned);
                rows.Add(
                [
                    model,
                    Name(scenario),
                    Rate(tuned),
                    Ratio(tuned, r.Cell(model, LoadScenario.Idle, LoadTuning.Tuned)),
                    Rate(untuned),
                    Ratio(untuned, r.Cell(model, LoadScenario.Idle, LoadTuning.Untuned)),
                    Ratio(tuned, untuned),
                ]);
            }
        }
        TextTable.Write(o, ["model", "scenario", "tuned tok/s", "vs idle", "untuned tok/s", "vs idle", "tuned/untuned"], rows,
            new HashSet<int> { 2, 3, 4, 5, 6 });
        o.WriteLine("targets: beside the busy core ≥ 0.40× idle; two processes ≥ 0.25× idle each; tuned idle ≥ 0.98× untuned idle");
    }

    private static string Name(LoadScenario scenario) => scenario switch
    {
        LoadScenario.Idle => "idle",
        LoadScenario.BusyCore => "beside a busy core",
        LoadScenario.TwoProcesses => "two processes (each)",
        _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
    };
}
