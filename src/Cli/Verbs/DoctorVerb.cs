using System.CommandLine;
using System.Globalization;
using LlamaJump.App;
using LlamaJump.Engine;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop;
using LlamaJump.Models;
using LlamaJump.Shortcuts;

namespace LlamaJump.Cli.Verbs;

/// <summary><c>llamajump doctor [--model M]</c>: proves the installation end to end — the patched llama.cpp loads
/// (and is ours), LLamaSharp generates with it on a real model, and TorchSharp loads and computes.</summary>
public static class DoctorVerb
{
    public static Command Create(JobContext context)
    {
        var model = new Option<string>("--model") { Description = "Model to generate with (path or name)", DefaultValueFactory = _ => ModelResolver.DefaultModelName };
        var prompt = new Option<string>("--prompt") { Description = "Prompt for the greedy completion", DefaultValueFactory = _ => "Once upon a time" };
        var command = new Command("doctor", "Check the native backend, LLamaSharp generation and TorchSharp on this machine") { model, prompt };
        command.SetAction(parse => JobRunner.Run(context, () => Execute(context, parse.GetValue(model)!, parse.GetValue(prompt)!)));
        return command;
    }

    public static int Execute(JobContext context, string model, string prompt)
    {
        var o = context.Out;
        NativeBackend.Initialize();
        NativeLog.Quiet(context.Error);
        o.WriteLine($"native backend   {NativeBackend.LibraryPath}");
        o.WriteLine($"  build key      {NativeBackend.BuildKey ?? "(none recorded)"}");
        o.WriteLine($"  ABI rows       {NativeAbi.Describe().Count} (llama_jump_abi_*: patched build confirmed)");
        var budget = CpuBudget.Current();
        o.WriteLine($"cpu              {budget.Describe()}; OpenMP waiting: {OpenMpWaiting.Describe()}");

        string path = context.Models.Resolve(model);
        var info = ModelInfo.Read(path);
        o.WriteLine($"model            {info.FileName} ({info.Architecture}, {info.BlockCount} blocks, n_embd {info.EmbeddingLength}, vocab {info.VocabSize}, {info.FileType})");
        var completion = GreedyCompletion.Run(path, prompt, maxTokens: 32);
        o.WriteLine($"  threads        {ThreadPlan.For(new FileInfo(path).Length, null, budget).Describe()}");
        o.WriteLine($"  greedy         \"{prompt}\" →{completion.Text}");
        o.WriteLine($"  speed          {completion.Tokens.Count} tokens at {completion.TokensPerSecond.ToString("0", CultureInfo.InvariantCulture)} tokens/s");

        TorchRuntime.EnsureLoadable();
        o.WriteLine($"torchsharp       {TorchRuntime.Describe()}");
        o.WriteLine($"  least squares  {TorchSelfTest.FitLine()}");
        return ExitCodes.Success;
    }
}
