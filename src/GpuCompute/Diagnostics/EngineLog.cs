using Microsoft.Extensions.Logging;

namespace GpuCompute.Diagnostics;

/// <summary>The engine's log messages (source-generated, so a disabled level costs a check and nothing else).</summary>
internal static partial class EngineLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "{Message}")]
    public static partial void Warning(ILogger logger, string message);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "{Message}")]
    public static partial void Information(ILogger logger, string message);
}
