using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using CoupleGen.Data;
using CoupleGen.Errors;
using CoupleGen.Extensions.DependencyInjection;
using CoupleGen.Generation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace CoupleGen.Tests.DependencyInjection;

[Trait("Category", "Unit")]
public class PartnerGeneratorRegistrationTests
{
    private static IHost Build(IDictionary<string, string?> settings, LogLines? log = null)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        if (log is not null)
        {
            builder.Logging.AddProvider(log);
        }

        builder.Services.AddPartnerGenerator(builder.Configuration.GetSection(PartnerGeneratorServiceOptions.SectionName));
        builder.Services.AddHealthChecks().AddPartnerGenerator();
        return builder.Build();
    }

    private static string TinyCheckpoint()
    {
        string path = Path.Combine(TestData.NewFolder(), "couplegen.ckpt");
        TestData.SaveTinyCheckpoint(path);
        return path;
    }

    private static async Task<HealthReport> Health(IHost host) => await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

    [Fact]
    public async Task TheConfiguredModelLoadsAtStartServesEveryoneAndGoesWithTheContainer()
    {
        var log = new LogLines();
        IPartnerGenerator generator;
        using (IHost host = Build(new Dictionary<string, string?> { ["CoupleGen:Checkpoint"] = TinyCheckpoint(), ["CoupleGen:Precision"] = "Fp32", ["CoupleGen:Device"] = "cpu" }, log))
        {
            await host.StartAsync();
            Assert.Equal(HealthStatus.Healthy, (await Health(host)).Status);
            Assert.Contains(log.Lines, line => line.Contains("Partner generator ready", StringComparison.Ordinal));

            generator = host.Services.GetRequiredService<IPartnerGenerator>();
            Assert.Same(generator, host.Services.GetRequiredService<IPartnerGenerator>());
            using var face = new SyntheticCoupleDataset(1, 32, seed: 4).GetPair(0);
            using (Image<Rgb24> partner = generator.Generate(face.A))
            {
                Assert.Equal(new Size(32, 32), partner.Size());
            }

            await host.StopAsync();
        }

        using var image = new Image<Rgb24>(32, 32);
        Assert.Throws<ObjectDisposedException>(() => generator.Generate(image));
    }

    [Fact]
    public async Task AMissingModelStopsTheStartWithItsPathAndCause()
    {
        string missing = Path.Combine(TestData.NewFolder(), "nowhere.couplegen");
        using IHost host = Build(new Dictionary<string, string?> { ["CoupleGen:Checkpoint"] = missing, ["CoupleGen:Device"] = "tpu" });
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("Device 'tpu'", error.Message, StringComparison.Ordinal);

        using IHost unset = Build(new Dictionary<string, string?>());
        Assert.Contains("Checkpoint is not set", (await Assert.ThrowsAsync<OptionsValidationException>(() => unset.StartAsync())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACorruptModelStopsTheStartAndTheHealthCheckSaysWhy()
    {
        string corrupt = Path.Combine(TestData.NewFolder(), "corrupt.ckpt");
        File.WriteAllBytes(corrupt, new byte[] { 0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8 });
        using IHost host = Build(new Dictionary<string, string?> { ["CoupleGen:Checkpoint"] = corrupt });
        var error = await Assert.ThrowsAsync<CheckpointException>(() => host.StartAsync());
        Assert.Contains(corrupt, error.Message, StringComparison.Ordinal);

        HealthReport report = await Health(host);
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Contains("failed to load", report.Entries["couplegen"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutLoadOnStartTheHealthCheckTurnsHealthyAtTheFirstUse()
    {
        using IHost host = Build(new Dictionary<string, string?> { ["CoupleGen:Checkpoint"] = TinyCheckpoint(), ["CoupleGen:LoadOnStart"] = "false", ["CoupleGen:Precision"] = "Fp32" });
        await host.StartAsync();
        HealthReport before = await Health(host);
        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.Contains("not loaded yet", before.Entries["couplegen"].Description, StringComparison.Ordinal);

        _ = host.Services.GetRequiredService<IPartnerGenerator>();
        Assert.Equal(HealthStatus.Healthy, (await Health(host)).Status);
        await host.StopAsync();
    }

    [Fact]
    public void CodeConfigurationAndConfigurationBindingGiveTheLibrarysOptions()
    {
        var services = new ServiceCollection();
        string checkpoint = TinyCheckpoint();
        services.AddPartnerGenerator(o =>
        {
            o.Checkpoint = checkpoint;
            o.PartnerSex = PartnerSex.Female;
            o.Background = CoupleGen.Faces.FramingBackground.Replace;
            o.MaxInputPixels = 1_000_000;
        });
        using ServiceProvider provider = services.BuildServiceProvider();
        PartnerGeneratorOptions options = provider.GetRequiredService<IOptions<PartnerGeneratorServiceOptions>>().Value.ToGeneratorOptions();
        Assert.Equal(PartnerSex.Female, options.PartnerSex);
        Assert.Equal(CoupleGen.Faces.FramingBackground.Replace, options.Faces.Background);
        Assert.Equal(1_000_000, options.MaxInputPixels);
        Assert.Null(options.Device);
    }

    /// <summary>Collects every log line of the host.</summary>
    private sealed class LogLines : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Collector(Lines);

        public void Dispose()
        {
        }

        private sealed class Collector(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) => lines.Enqueue(formatter(state, exception));
        }
    }
}
