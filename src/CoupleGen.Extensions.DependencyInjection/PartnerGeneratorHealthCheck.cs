using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CoupleGen.Extensions.DependencyInjection;

/// <summary>
/// Healthy once the registered generator is loaded; before that, or when loading failed, the registration's
/// failure status (default <see cref="HealthStatus.Unhealthy"/>) with the reason. It never loads the model itself.
/// </summary>
internal sealed class PartnerGeneratorHealthCheck(PartnerGeneratorLoadState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        HealthStatus failureStatus = context?.Registration.FailureStatus ?? HealthStatus.Unhealthy;
        HealthCheckResult result = state.Source is { } source
            ? HealthCheckResult.Healthy("The partner generator is loaded.", new Dictionary<string, object> { ["model"] = source })
            : state.Failure is { } failure
            ? new HealthCheckResult(failureStatus, $"The partner generator failed to load: {failure.Message}", failure)
            : new HealthCheckResult(failureStatus, "The partner generator is not loaded yet.");
        return Task.FromResult(result);
    }
}
