using System.CommandLine;
using LlamaJump.App;
using LlamaJump.Shortcuts;

namespace LlamaJump.Cli;

/// <summary><c>--device auto|cpu|cuda</c> of the verbs that run TorchSharp (train, pipeline, demo): where training
/// and the D_m scoring compute. Parsed here once into a <see cref="TorchDeviceChoice"/>; the job resolves it
/// (<see cref="TorchRuntime.ResolveDevice(TorchDeviceChoice)"/>). An unknown name is one line and exit code 2.</summary>
internal static class TorchDeviceOption
{
    public static Option<string> Create() => new("--device")
    {
        Description = $"Where TorchSharp trains and scores the jumps: {TorchDeviceChoices.Names}. auto takes CUDA when this build has the CUDA libtorch (LLAMAJUMP_TORCH=cuda ./build.sh) and a GPU is visible, else the CPU; cuda without one is refused",
        DefaultValueFactory = _ => TorchDeviceChoice.Auto.Name(),
    };

    public static TorchDeviceChoice Parse(ParseResult parse, Option<string> option)
    {
        try
        {
            return TorchDeviceChoices.Parse(parse.GetValue(option)!);
        }
        catch (ArgumentException e)
        {
            throw new UserInputException($"--device: {e.Message}");
        }
    }
}
