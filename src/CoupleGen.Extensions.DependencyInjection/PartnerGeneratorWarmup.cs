using System.Threading;
using System.Threading.Tasks;
using CoupleGen.Generation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CoupleGen.Extensions.DependencyInjection;

/// <summary>Loads the generator while the host starts (<see cref="PartnerGeneratorServiceOptions.LoadOnStart"/>), so a bad model stops the start.</summary>
internal sealed class PartnerGeneratorWarmup(System.IServiceProvider services, IOptions<PartnerGeneratorServiceOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.LoadOnStart)
        {
            _ = services.GetRequiredService<IPartnerGenerator>();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
