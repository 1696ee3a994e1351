using System.CommandLine;
using System.Globalization;
using LlamaJump.App;
using LlamaJump.App.Bench;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop.EarlyExit;
using LlamaJump.Models;
using LlamaJump.Tui.Bench;

namespace LlamaJump.Cli.Verbs;

/// <summary><c>llamajump bench chat</c>: the chat's tokens/s against the bare generator's on the same model, prompt and
/// token count, side by side in one run (see <see cref="ChatBenchmark"/>). stdout: the table, the ratio and the chat's
/// own status line; stderr: progress.</summary>
public static class BenchChatCommand
{
    public static Command Create(JobContext context)
    {
        var model = new Option<string>("--model") { Description = "Model (path or name)", DefaultValueFactory = _ => ModelResolver.DefaultModelName };
        var jumps = new Option<string?>("--jumps") { Description = "Jump file for exit and spec mode (default: the one the chat finds)" };
        var prompt = new Option<string>("--prompt") { Description = "What the user types, and the generator's prompt", DefaultValueFactory = _ => ChatBenchOptions.DefaultPrompt };
        var tokens = new Option<int>("--tokens") { Description = "Tokens per reply (the chat's --max-tokens, generate's --max-tokens)", DefaultValueFactory = _ => 256 };
        var repeats = new Option<int>("--repeats") { Description = "Alternating repeats of each side", DefaultValueFactory = _ => 3 };
        var threads = new Option<int?>("--threads") { Description = "CPU threads (default: planned from the cores this process may use)" };
        var mode = new Option<string>("--mode") { Description = "full, exit or spec", DefaultValueFactory = _ => "full" };
        mode.AcceptOnlyFromAmong("full", "exit", "spec");
        var lambda = new Option<float>("--lambda") { Description = "Confidence threshold λ of exit mode, in [0, 1]; above 1 = never", DefaultValueFactory = _ => 0.9f };
        var command = new Command("chat", "The chat's tokens/s against generate's on the same model, prompt and token count")
        {
            model, jumps, prompt, tokens, repeats, threads, mode, lambda,
        };
        command.SetAction(parse => JobRunner.Run(context, () =>
        {
            var options = new ChatBenchOptions(parse.GetValue(model)!, parse.GetValue(jumps), parse.GetValue(prompt)!, parse.GetValue(tokens),
                parse.GetValue(repeats), parse.GetValue(threads), Enum.Parse<GenerationMode>(parse.GetValue(mode)!, ignoreCase: true), parse.GetValue(lambda));
            Validate(options);
            using var interruption = new Interruption(context.Error);
            var result = new ChatBenchmark(options).Execute(context, interruption.Token);
            Print(context.Out, result);
            return interruption.Token.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Success;
        }));
        return command;
    }

    private static void Validate(ChatBenchOptions o)
    {
        if (o.Tokens < 1 || o.Repeats < 1)
            throw new UserInputException("--tokens and --repeats must be positive");
        if (o.Threads is < 1)
            throw new UserInputException($"--threads must be positive (got {o.Threads})");
        if (!ExitPolicy.IsValidLambda(o.Lambda))
            throw new UserInputException($"--lambda must be in [0, 1] (above 1 means never exit), got {o.Lambda.ToString(CultureInfo.InvariantCulture)}");
        if (string.IsNullOrWhiteSpace(o.Prompt))
            throw new UserInputException("--prompt must not be empty");
        if (o.Jumps is { } path && !File.Exists(path))
            throw new UserInputException($"--jumps {path}: no such file");
    }

    private static void Print(TextWriter o, ChatBenchResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        var opt = r.Options;
        string jumps = r.JumpFile is null ? "no jumps" : $"jumps {Path.GetFileName(r.JumpFile)}";
        o.WriteLine(string.Create(inv,
            $"bench chat: {r.Model.FileName}, mode {opt.Mode.ToString().ToLowerInvariant()}, λ {opt.Lambda:0.00}, {jumps}; prompt \"{opt.Prompt}\" ({r.PromptTokens} tokens), {opt.Tokens} tokens per reply, {r.Threads}; median of {opt.Repeats} alternating repeats"));
        string Runs(IReadOnlyList<double> rates) => string.Join(' ', rates.Select(v => v.ToString("0", inv)));
        TextTable.Write(o, ["", "TOKENS/S", "RUNS"],
        [
            ["chat", r.ChatMedian.ToString("0.0", inv), Runs(r.Chat)],
            ["generate", r.GenerateMedian.ToString("0.0", inv), Runs(r.Generate)],
        ], new HashSet<int> { 1 });
        o.WriteLine(string.Create(inv, $"chat / generate: {r.Ratio:0.00} (target: at least 0.90)"));
        o.WriteLine($"chat status line: {r.StatusLine}");
        o.WriteLine(r.SameText
            ? $"the chat showed exactly the generator's text ({r.ReplyTokens} tokens)"
            : $"the chat's reply ({r.ReplyTokens} tokens) differs from the generator's text");
    }
}
