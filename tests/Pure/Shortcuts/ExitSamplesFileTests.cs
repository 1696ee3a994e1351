using AwesomeAssertions;
using LlamaJump.Dumps.Safetensors;
using LlamaJump.Shortcuts.Evaluation;
using LlamaJump.Shortcuts.Reports;

namespace LlamaJump.Tests.Pure.Shortcuts;

/// <summary>exit-samples.safetensors reads back what was written, with its identity, and refuses other files.</summary>
public sealed class ExitSamplesFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llamajump-exitsamples-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Samples_round_trip_with_the_model_and_jump_they_belong_to()
    {
        var predictions = new ExitPredictions(3, 2, [0.1f, 0.9f, 0.5f, 0.25f, 1f, 0f], [4, 7, 7, 1, 2, 2]);
        var samples = ExitSamples.From(predictions, [7, 1, 3]);
        samples.Agrees.Should().Equal(false, true, false, true, false, false);
        string path = Path.Combine(_dir, ExitSamplesFile.FileName);

        ExitSamplesFile.Write(path, samples, new string('e', 64), ojfa: 1);
        var (read, sha, ojfa) = ExitSamplesFile.Read(path);

        read.Should().BeEquivalentTo(samples);
        (sha, ojfa).Should().Be((new string('e', 64), 1));
        File.Exists(SafetensorsWriter.TempPathFor(path)).Should().BeFalse();
    }

    [Fact]
    public void A_safetensors_file_of_another_kind_is_refused()
    {
        string path = Path.Combine(_dir, "other.safetensors");
        using (var writer = SafetensorsWriter.Create(path, [new SafetensorsTensorSpec("x", TensorDtype.F32, 1, 1)]))
        {
            writer.WriteRows(0, 0, [1f]);
            writer.Complete();
        }
        var read = () => ExitSamplesFile.Read(path);
        read.Should().Throw<SafetensorsFormatException>().WithMessage("*not a llamajump.exit-samples/1 file*");
    }
}
