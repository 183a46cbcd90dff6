using Microsoft.Extensions.Logging;

namespace CoupleGen.Demo;

internal static class Logging
{
    public static ILoggerFactory Create() => LoggerFactory.Create(builder => builder
        .AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss ";
        })
        .SetMinimumLevel(LogLevel.Information));
}
