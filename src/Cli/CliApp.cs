using System.CommandLine;
using LlamaJump.App;
using LlamaJump.Cli.Verbs;
using LlamaJump.Models;

namespace LlamaJump.Cli;

/// <summary>The llamajump command line: one <see cref="Command"/> per verb, each verb's logic in its own type.
/// stdout carries results, stderr carries logs, progress and errors.</summary>
public static class CliApp
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var context = new JobContext(stdout, stderr, ModelResolver.FromEnvironment(ModelResolver.LocateHome()));
        var root = new RootCommand("LlamaJump: one low-rank jump to the last layer of a GGUF model, for every exit level (OJFA on llama.cpp)")
        {
            ModelsVerb.Create(context),
            DoctorVerb.Create(context),
            DumpVerb.Create(context),
            DumpMergeVerb.Create(context),
            BenchVerb.Create(context),
            EvalVerb.Create(context),
            TrainVerb.Create(context),
            ParamsVerb.Create(context),
            ChatVerb.Create(context),
            GenerateVerb.Create(context),
            PipelineVerb.Create(context),
            DemoVerb.Create(context),
            RpcServerVerb.Create(context),
        };
        root.Options.Add(RpcOptions.Rpc);
        root.Options.Add(RpcOptions.TensorSplit);
        root.Options.Add(CacheTypeOptions.K);
        root.Options.Add(CacheTypeOptions.V);
        root.Options.Add(GpuOptions.GpuLayers);
        var parse = root.Parse(args);
        if (parse.Errors.Count == 0
            && (CacheTypeOptions.Apply(parse, context) ?? RpcOptions.Apply(parse, context) ?? GpuOptions.Apply(parse, context)) is { } refused)
            return refused;
        return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
    }
}
