using System;
using CoupleGen.Extensions.DependencyInjection;
using CoupleGen.Generation;
using CoupleGen.Native;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers CoupleGen's <see cref="IPartnerGenerator"/>.</summary>
public static class PartnerGeneratorServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="IPartnerGenerator"/> for the whole app (thread-safe, disposed with the container), configured
    /// from <paramref name="configuration"/> (e.g. <c>builder.Configuration.GetSection("CoupleGen")</c>) and then by
    /// <paramref name="configure"/>. The settings are validated when the host starts; with
    /// <see cref="PartnerGeneratorServiceOptions.LoadOnStart"/> (default) the model loads then too, so a missing,
    /// unreadable or corrupt model stops the start with its path and cause rather than failing the first request.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section to bind, or <see langword="null"/>.</param>
    /// <param name="configure">Changes after binding, or <see langword="null"/>.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddPartnerGenerator(this IServiceCollection services, IConfiguration? configuration, Action<PartnerGeneratorServiceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<PartnerGeneratorServiceOptions> options = services.AddOptions<PartnerGeneratorServiceOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PartnerGeneratorServiceOptions>, PartnerGeneratorOptionsValidator>());
        services.TryAddSingleton<PartnerGeneratorLoadState>();
        services.TryAddSingleton<IPartnerGenerator>(Create);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Hosting.IHostedService, PartnerGeneratorWarmup>());
        return services;
    }

    /// <summary>Registers <see cref="IPartnerGenerator"/> configured by code only (see the other overload).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">The settings; <see cref="PartnerGeneratorServiceOptions.Checkpoint"/> is required.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IServiceCollection AddPartnerGenerator(this IServiceCollection services, Action<PartnerGeneratorServiceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddPartnerGenerator(configuration: null, configure);
    }

    /// <summary>Adds a health check named <paramref name="name"/> that reports whether the registered generator is loaded (it never loads it).</summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name. Default: <c>couplegen</c>.</param>
    /// <param name="failureStatus">The status before loading or after a failure. Default: <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags, e.g. <c>ready</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IHealthChecksBuilder AddPartnerGenerator(this IHealthChecksBuilder builder, string name = "couplegen", HealthStatus? failureStatus = null, params string[] tags)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<PartnerGeneratorLoadState>();
        return builder.AddCheck<PartnerGeneratorHealthCheck>(name, failureStatus, tags);
    }

    private static PartnerGenerator Create(IServiceProvider services)
    {
        PartnerGeneratorServiceOptions settings = services.GetRequiredService<IOptions<PartnerGeneratorServiceOptions>>().Value;
        PartnerGeneratorLoadState state = services.GetRequiredService<PartnerGeneratorLoadState>();
        ILogger? logger = services.GetService<ILoggerFactory>()?.CreateLogger("CoupleGen.PartnerGenerator");
        try
        {
            CoupleGenRuntime.EnsureInitialized(logger);
            var generator = PartnerGenerator.FromCheckpoint(settings.Checkpoint!, settings.ToGeneratorOptions(), logger);
            state.Loaded(settings.Checkpoint!);
            return generator;
        }
        catch (Exception ex)
        {
            state.Failed(ex);
            throw;
        }
    }
}
