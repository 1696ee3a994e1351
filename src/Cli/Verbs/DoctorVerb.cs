using System.CommandLine;
using LlamaJump.App;
using LlamaJump.App.Doctor;
using LlamaJump.Models;

namespace LlamaJump.Cli.Verbs;

/// <summary><c>llamajump doctor [--model M] [--json]</c>: proves the installation end to end — the patched llama.cpp
/// loads (and is ours), which backends and devices it found and where the model's layers go, LLamaSharp generates
/// with it on a real model, and TorchSharp loads and computes (and on which device it would train).</summary>
public static class DoctorVerb
{
    public static Command Create(JobContext context)
    {
        var model = new Option<string>("--model") { Description = "Model to generate with (path or name)", DefaultValueFactory = _ => ModelResolver.DefaultModelName };
        var prompt = new Option<string>("--prompt") { Description = "Prompt for the greedy completion", DefaultValueFactory = _ => "Once upon a time" };
        var json = new Option<bool>("--json") { Description = "Print the llamajump.doctor/1 JSON object instead of the report" };
        var command = new Command("doctor", "Check the native backend, its devices, LLamaSharp generation and TorchSharp on this machine") { model, prompt, json };
        command.SetAction(parse => JobRunner.Run(context, () => DoctorJob.Run(context, parse.GetValue(model)!, parse.GetValue(prompt)!, parse.GetValue(json))));
        return command;
    }
}
