using Microsoft.Extensions.Logging;

namespace GpuCompute.Diagnostics;

/// <summary>
/// Where the engine's warnings go when the options name no <see cref="ILogger"/>: standard error, one line each, so
/// that a warning (an unreadable model cache, say) is seen rather than lost in <c>System.Diagnostics.Trace</c>.
/// </summary>
internal sealed class StandardErrorLogger : ILogger
{
    public static StandardErrorLogger Instance { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (IsEnabled(logLevel))
        {
            string message = formatter(state, exception).ReplaceLineEndings(" ");
            Console.Error.WriteLine($"GpuCompute {(logLevel == LogLevel.Warning ? "warning" : "error")}: {message}");
        }
    }
}
