using System.CommandLine;
using System.Globalization;
using LlamaJump.App;
using LlamaJump.App.Train;
using LlamaJump.Dumps.Safetensors;
using LlamaJump.Shortcuts.Training;

namespace LlamaJump.Cli.Verbs;

/// <summary><c>llamajump train --dump DIR --out JUMPS.gguf [...]</c>: the paper's jumps, D_m and the OJFA choice from a
/// dump's train split, written as a jump file; and <c>llamajump train synthetic-dump</c>, a dump of made-up hidden
/// states of any shape for measuring training at a size one has no model for.</summary>
public static class TrainVerb
{
    public static Command Create(JobContext context)
    {
        var dump = new Option<string>("--dump") { Description = "Dump directory (llamajump dump); trains on its train split", Required = true };
        var output = new Option<string>("--out") { Description = "Jump file to write (GGUF)", Required = true };
        var rank = new Option<int?>("--rank") { Description = $"Rank r of A (H×r) and B (r×H) (default: ⌊H/100⌋ as the paper, at least {JumpRank.Floor})" };
        var epochs = new Option<int>("--epochs") { Description = "Epochs at most (early stopping may end a level sooner)", DefaultValueFactory = _ => 50 };
        var batch = new Option<int>("--batch") { Description = "Rows per step (at least 2)", DefaultValueFactory = _ => 256 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => 1e-3 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the validation hold-out, batch order and initial weights", DefaultValueFactory = _ => 1UL };
        var patience = new Option<int>("--patience") { Description = "Epochs without a better validation loss before a level stops", DefaultValueFactory = _ => 5 };
        var validation = new Option<double>("--val-fraction") { Description = "Share of the train split held out for validation", DefaultValueFactory = _ => 0.1 };
        var strategy = new Option<string>("--strategy") { Description = "batched (all levels as one computation) or loop (one level after another)", DefaultValueFactory = _ => "batched" };
        var ojfaOnly = new Option<bool>("--ojfa-only") { Description = "Write only the chosen OJFA jump (the single-jump file early exit loads), with all metadata" };
        var noJoint = new Option<bool>("--no-joint") { Description = "Skip the joint jump (trained on all exit levels pooled)" };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for libtorch (default: all cores; one for a small model, where threads cost more than they save)" };
        var device = TorchDeviceOption.Create();
        var command = new Command("train", "Train a jump per exit level and the joint jump, score them (D_m) and choose the OJFA jump")
        {
            dump, output, rank, epochs, batch, lr, seed, patience, validation, strategy, ojfaOnly, noJoint, threads, device,
        };
        command.SetAction(parse => JobRunner.Run(context, () =>
        {
            var torchDevice = TorchDeviceOption.Parse(parse, device);
            var options = new TrainOptions(
                parse.GetValue(dump)!, parse.GetValue(output)!,
                parse.GetValue(rank) is { } r ? AtLeast(r, 1, "--rank") : null,
                AtLeast(parse.GetValue(epochs), 1, "--epochs"),
                AtLeast(parse.GetValue(batch), 2, "--batch", " (BatchNorm needs two rows for a variance)"),
                parse.GetValue(lr) is var l && l > 0 && double.IsFinite(l) ? l : throw new UserInputException($"--lr must be a positive number (got {l})"),
                parse.GetValue(seed),
                AtLeast(parse.GetValue(patience), 1, "--patience"),
                parse.GetValue(validation) is var f && f > 0 && f < 1 ? f : throw new UserInputException($"--val-fraction must lie between 0 and 1, exclusive (got {f})"),
                Parse(() => JumpTrainingStrategyNames.Parse(parse.GetValue(strategy)!), "--strategy"),
                parse.GetValue(ojfaOnly), !parse.GetValue(noJoint),
                parse.GetValue(threads) is { } t ? AtLeast(t, 1, "--threads") : null,
                torchDevice);
            return Execute(context, options);
        }));
        command.Add(CreateSynthetic(context));
        return command;
    }

    public static int Execute(JobContext context, TrainOptions options)
    {
        using var interruption = new Interruption(context.Error);
        TrainOutcome outcome;
        try
        {
            outcome = new TrainJob(options).Execute(context, interruption.Token);
        }
        catch (OperationCanceledException) when (interruption.Token.IsCancellationRequested)
        {
            context.Error.WriteLine("llamajump: train interrupted; nothing was written");
            return ExitCodes.Interrupted;
        }
        TrainReport.Write(context.Out, outcome, options.OjfaOnly);
        return ExitCodes.Success;
    }

    private static Command CreateSynthetic(JobContext context)
    {
        var output = new Option<string>("--out") { Description = "Dump directory to write", Required = true };
        var layers = new Option<int>("--layers") { Description = "Blocks L", DefaultValueFactory = _ => 32 };
        var hidden = new Option<int>("--hidden") { Description = "n_embd H", DefaultValueFactory = _ => 4096 };
        var train = new Option<int>("--train") { Description = "Train samples", DefaultValueFactory = _ => 9000 };
        var test = new Option<int>("--test") { Description = "Test samples", DefaultValueFactory = _ => 100 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the made-up hidden states", DefaultValueFactory = _ => 1UL };
        var dtype = new Option<string>("--dtype") { Description = "Stored float type: f16 or f32", DefaultValueFactory = _ => "f16" };
        var force = new Option<bool>("--force") { Description = "Replace another dump in --out" };
        var command = new Command("synthetic-dump",
            "Write a dump of made-up hidden states of any shape (default: Llama2-7B's, 9000 × 4096 × 32 blocks, 2.4 GB as f16) to measure training on")
        {
            output, layers, hidden, train, test, seed, dtype, force,
        };
        command.SetAction(parse => JobRunner.Run(context, () =>
        {
            int l = AtLeast(parse.GetValue(layers), 2, "--layers"), h = AtLeast(parse.GetValue(hidden), 2, "--hidden");
            int n = AtLeast(parse.GetValue(train), 1, "--train"), m = AtLeast(parse.GetValue(test), 0, "--test");
            var type = Parse(() => TensorDtypeExtensions.ParseDtype(parse.GetValue(dtype)!), "--dtype");
            using var interruption = new Interruption(context.Error);
            try
            {
                SyntheticDump.Write(parse.GetValue(output)!, l, h, n, m, parse.GetValue(seed), type, parse.GetValue(force), context.Error, interruption.Token);
            }
            catch (OperationCanceledException) when (interruption.Token.IsCancellationRequested)
            {
                context.Error.WriteLine("llamajump: synthetic-dump interrupted; rerun the same command to resume");
                return ExitCodes.Interrupted;
            }
            context.Out.WriteLine(Path.GetFullPath(parse.GetValue(output)!));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static int AtLeast(int value, int minimum, string name, string why = "") =>
        value >= minimum ? value : throw new UserInputException(string.Create(CultureInfo.InvariantCulture, $"{name} must be at least {minimum}{why} (got {value})"));

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
