using System.CommandLine;
using System.Globalization;
using LlamaJump.App;
using LlamaJump.App.Dump;
using LlamaJump.Dumps.Safetensors;
using LlamaJump.Dumps.Sampling;
using LlamaJump.Models;

namespace LlamaJump.Cli.Verbs;

/// <summary><c>llamajump dump --model M --corpus FILE --out DIR [...]</c>: per-block hidden states of sampled
/// sentences at one token each, with the full model's prediction there (see src/Dumps/FORMAT.md).</summary>
public static class DumpVerb
{
    public static Command Create(JobContext context)
    {
        var model = new Option<string>("--model") { Description = "Model: a path, or a name in the model directories", DefaultValueFactory = _ => ModelResolver.DefaultModelName };
        var corpus = new Option<string>("--corpus") { Description = "Plain-text corpus file (or a directory of *.txt/*.raw files); WikiText spacing is restored", Required = true };
        var output = new Option<string>("--out") { Description = "Dump directory (created; resumed when it holds the same unfinished dump)", Required = true };
        var train = new Option<int>("--train") { Description = "Train sentences", DefaultValueFactory = _ => 9000 };
        var test = new Option<int>("--test") { Description = "Test sentences (disjoint from train)", DefaultValueFactory = _ => 3000 };
        var position = new Option<string>("--position") { Description = "Token position per sentence: random (seeded, after BOS) or last", DefaultValueFactory = _ => "random" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the sentence sample and the positions", DefaultValueFactory = _ => 1UL };
        var dtype = new Option<string>("--dtype") { Description = "Stored float type: f16 or f32", DefaultValueFactory = _ => "f16" };
        var shard = new Option<string?>("--shard") { Description = "Take only shard i of n (e.g. 2/4) of every split; join shards with dump-merge" };
        var allowFewer = new Option<bool>("--allow-fewer") { Description = "When the corpus has fewer sentences than asked, scale train and test down proportionally" };
        var force = new Option<bool>("--force") { Description = "Replace a dump of another model, corpus or seed in --out" };
        var sequences = new Option<int>("--sequences") { Description = "Sentences decoded together in one batch", DefaultValueFactory = _ => 16 };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Tokens kept per sentence (longer ones are truncated and counted)", DefaultValueFactory = _ => 128 };
        var threads = new Option<int?>("--threads") { Description = "CPU threads (default: the cores this process may use, one per token for a small model; see doctor)" };
        var syncSeconds = new Option<double>("--sync-seconds") { Description = "Make completed work durable at least this often (0: after every batch)", DefaultValueFactory = _ => 5.0 };
        var command = new Command("dump", "Capture the hidden state after every block for sampled corpus sentences")
        {
            model, corpus, output, train, test, position, seed, dtype, shard, allowFewer, force, sequences, maxTokens, threads, syncSeconds,
        };
        command.SetAction(parse => JobRunner.Run(context, () =>
        {
            var options = new DumpOptions(
                parse.GetValue(model)!, parse.GetValue(corpus)!, parse.GetValue(output)!,
                Positive(parse.GetValue(train), "--train", allowZero: true), Positive(parse.GetValue(test), "--test", allowZero: true),
                Parse(() => PositionPolicyExtensions.ParsePosition(parse.GetValue(position)!), "--position"),
                parse.GetValue(seed),
                Parse(() => TensorDtypeExtensions.ParseDtype(parse.GetValue(dtype)!), "--dtype"),
                parse.GetValue(shard) is { } s ? Parse(() => ShardSpec.Parse(s), "--shard") : null,
                parse.GetValue(allowFewer), parse.GetValue(force),
                Positive(parse.GetValue(sequences), "--sequences"), Positive(parse.GetValue(maxTokens), "--max-tokens"),
                parse.GetValue(threads) is { } t ? Positive(t, "--threads") : null,
                parse.GetValue(syncSeconds) is var sync and >= 0 ? sync : throw new UserInputException("--sync-seconds must be 0 or more"));
            return Execute(context, options);
        }));
        return command;
    }

    public static int Execute(JobContext context, DumpOptions options)
    {
        if (options.Train + options.Test == 0)
        {
            throw new UserInputException("--train and --test are both 0: nothing to dump");
        }
        using var interruption = new Interruption(context.Error);
        var outcome = new DumpJob(options).Execute(context, interruption.Token);
        if (outcome.Interrupted)
        {
            context.Error.WriteLine($"llamajump: dump interrupted with {outcome.Completed} of {outcome.Total} samples written; rerun the same command to resume");
            return ExitCodes.Interrupted;
        }
        if (!outcome.WasComplete)
        {
            double rate = outcome.Seconds > 0 ? outcome.Tokens / outcome.Seconds : 0;
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"dump: wrote {outcome.Written} samples ({outcome.Tokens} tokens) in {outcome.Seconds:0.0} s, {rate:0} tokens/s"));
        }
        context.Out.WriteLine(Path.GetFullPath(options.Out));
        return ExitCodes.Success;
    }

    private static int Positive(int value, string name, bool allowZero = false) =>
        value > 0 || (allowZero && value == 0) ? value : throw new UserInputException($"{name} must be {(allowZero ? "0 or more" : "positive")} (got {value})");

    private static T Parse<T>(Func<T> parse, string name)
    {
        try
        {
            return parse();
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new UserInputException($"{name}: {e.Message}");
        }
    }
}
