using LlamaJump.Dumps;
using LlamaJump.Dumps.Safetensors;
using LlamaJump.Engine;
using LlamaJump.Gguf;
using LlamaJump.Interop;
using LlamaJump.Models;
using LlamaJump.Shortcuts;

namespace LlamaJump.App;

/// <summary>A user-facing error in a verb's input that has a clear one-line explanation.</summary>
public sealed class UserInputException(string message) : Exception(message);

/// <summary>Runs a verb's body and turns failures into one line on stderr and an exit code: bad input (including an
/// explicit torch device that is not there) → 2, missing
/// native parts → 69, I/O failure (disk full) → 74, anything else → 70 (with the stack trace only when LLAMAJUMP_DEBUG=1).</summary>
public static class JobRunner
{
    public static int Run(JobContext context, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is GgufFormatException or ModelNotFoundException or UserInputException or FileNotFoundException or LlamaJumpException
            or DirectoryNotFoundException or UnauthorizedAccessException or DumpException or SafetensorsFormatException
            or MemoryRequestTooLargeException or ContextRefusedException or NoGpuException or TorchDeviceUnavailableException)
        {
            context.Error.WriteLine($"llamajump: error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is NativeBackendMissingException or TypeInitializationException or DllNotFoundException)
        {
            context.Error.WriteLine($"llamajump: error: {(e.InnerException ?? e).Message}");
            return ExitCodes.Unavailable;
        }
        catch (IOException e)
        {
            context.Error.WriteLine($"llamajump: error: {e.Message}");
            return ExitCodes.IoError;
        }
        catch (Exception e)
        {
            context.Error.WriteLine($"llamajump: internal error: {e.GetType().Name}: {e.Message}");
            if (Environment.GetEnvironmentVariable("LLAMAJUMP_DEBUG") == "1")
            {
                context.Error.WriteLine(e);
            }
            else
            {
                context.Error.WriteLine("llamajump: set LLAMAJUMP_DEBUG=1 for the stack trace");
            }
            return ExitCodes.InternalError;
        }
    }
}
