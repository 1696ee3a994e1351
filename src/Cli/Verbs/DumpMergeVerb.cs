using System.CommandLine;
using LlamaJump.App;
using LlamaJump.Dumps;

namespace LlamaJump.Cli.Verbs;

/// <summary><c>llamajump dump-merge --out DIR SHARD...</c>: joins the complete shards of one dump (made with
/// <c>dump --shard i/n</c>, possibly on several machines) into one dump, after checking that they belong together.</summary>
public static class DumpMergeVerb
{
    public static Command Create(JobContext context)
    {
        var output = new Option<string>("--out") { Description = "Merged dump directory", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace another dump in --out" };
        var shards = new Argument<string[]>("shards") { Description = "Shard directories (all n of them)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("dump-merge", "Join the shards of a dump into one dump") { output, force, shards };
        command.SetAction(parse => JobRunner.Run(context, () =>
        {
            var manifest = DumpMerge.Merge(parse.GetValue(shards)!, parse.GetValue(output)!, parse.GetValue(force));
            context.Error.WriteLine($"dump-merge: {manifest.Splits.Train.Count} train + {manifest.Splits.Test.Count} test samples");
            context.Out.WriteLine(Path.GetFullPath(parse.GetValue(output)!));
            return ExitCodes.Success;
        }));
        return command;
    }
}
