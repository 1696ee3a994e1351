using System.CommandLine;
using LlamaJump.App;
using LlamaJump.App.Pipeline;

namespace LlamaJump.Cli.Verbs;

/// <summary><c>llamajump demo [--out DIR]</c>: the whole story on stories260K and the shared WikiText-2 corpus
/// (<see cref="DemoJob"/>). The hidden <c>--train</c>/<c>--test</c> shrink the sample for tests.</summary>
public static class DemoVerb
{
    public static Command Create(JobContext context)
    {
        var output = new Option<string>("--out") { Description = "Output directory", DefaultValueFactory = _ => Path.Combine("runs", "demo") };
        var train = new Option<int>("--train") { Description = "Train sentences (a smaller sample for a quick run)", DefaultValueFactory = _ => 9000, Hidden = true };
        var test = new Option<int>("--test") { Description = "Test sentences", DefaultValueFactory = _ => 3000, Hidden = true };
        var threads = new Option<int?>("--threads") { Description = "CPU threads (default: the cores this process may use, one per token for a small model; see doctor)" };
        var device = TorchDeviceOption.Create();
        var command = new Command("demo", "The whole story on stories260K: dump, train, OJFA choice, eval with plots, early-exit and speculative generation")
        {
            output, train, test, threads, device,
        };
        command.SetAction(parse => JobRunner.Run(context, () =>
        {
            var torchDevice = TorchDeviceOption.Parse(parse, device);
            int n = parse.GetValue(train), m = parse.GetValue(test);
            if (n < 1 || m < 1)
                throw new UserInputException("--train and --test must be positive");
            if (parse.GetValue(threads) is < 1)
                throw new UserInputException("--threads must be positive");
            using var interruption = new Interruption(context.Error);
            return new DemoJob(new DemoOptions(parse.GetValue(output)!, n, m, Threads: parse.GetValue(threads), Device: torchDevice)).Execute(context, interruption.Token);
        }));
        return command;
    }
}
