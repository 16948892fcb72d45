# syntax=docker/dockerfile:1
# EmbedSweeps images, from one file:
#   trainer (default): a silo that trains trials —  docker build --build-arg TORCH_BACKEND=cuda -t embedsweeps-trainer .
#   web:               the leaderboard + a web-role silo —  docker build --target web -t embedsweeps-web .
# Both read storage from EMBEDSWEEPS__STORAGE__ACCOUNTNAME (managed identity) or EMBEDSWEEPS__STORAGE__CONNECTIONSTRING.

ARG TORCH_BACKEND=cpu

# ---- build: the CLI (with TorchSharp for the chosen backend) and the published web app
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TORCH_BACKEND
WORKDIR /src
# Restore first, from the project files only, so code changes do not invalidate the package layer.
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props .editorconfig ./
COPY build/ build/
COPY src/EmbedSweeps.Abstractions/*.csproj src/EmbedSweeps.Abstractions/
COPY src/EmbedSweeps.Embeddings/*.csproj src/EmbedSweeps.Embeddings/
COPY src/EmbedSweeps.Sweeps/*.csproj src/EmbedSweeps.Sweeps/
COPY src/EmbedSweeps.Grains/*.csproj src/EmbedSweeps.Grains/
COPY src/EmbedSweeps.Client/*.csproj src/EmbedSweeps.Client/
COPY src/EmbedSweeps.Silo/*.csproj src/EmbedSweeps.Silo/
COPY src/EmbedSweeps.Cli/*.csproj src/EmbedSweeps.Cli/
COPY web/EmbedSweeps.Web/*.csproj web/EmbedSweeps.Web/
RUN dotnet restore src/EmbedSweeps.Cli -p:TorchBackend=${TORCH_BACKEND} \
 && dotnet restore web/EmbedSweeps.Web
COPY src/ src/
COPY web/ web/
RUN dotnet publish src/EmbedSweeps.Cli -c Release --no-restore -p:TorchBackend=${TORCH_BACKEND} -o /out/cli \
 && dotnet publish web/EmbedSweeps.Web -c Release --no-restore -o /out/web

# ---- runtimes: the ASP.NET Core image for CPU; NVIDIA's CUDA runtime plus .NET for GPUs
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime-cpu

FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 AS runtime-cuda
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl libicu74 \
 && curl -fsSL https://dot.net/v1/dotnet-install.sh -o /tmp/dotnet-install.sh \
 && bash /tmp/dotnet-install.sh --channel 10.0 --runtime aspnetcore --install-dir /usr/share/dotnet \
 && ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \
 && rm -rf /var/lib/apt/lists/* /tmp/dotnet-install.sh \
 && groupadd --gid 1654 app && useradd --uid 1654 --gid app --create-home app
ENV APP_UID=1654 DOTNET_RUNNING_IN_CONTAINER=true

# ---- trainer: `embedsweeps silo --role trainer` (TORCH_BACKEND picks the runtime above)
FROM runtime-${TORCH_BACKEND} AS trainer
WORKDIR /app
COPY --from=build /out/cli /app/cli
# Hugging Face downloads and trial files live on a volume the non-root user owns.
ENV HF_HOME=/data/huggingface EMBEDSWEEPS_HOME=/data
RUN mkdir -p /data && chown ${APP_UID}:${APP_UID} /data
WORKDIR /data
USER ${APP_UID}
EXPOSE 11111 30000
ENTRYPOINT ["dotnet", "/app/cli/embedsweeps.dll"]
# Other silos reach this one over the container network: listen beyond loopback, explicitly. With the cluster's
# certificates in EMBEDSWEEPS__CLUSTER__TLS__CERTIFICATE/__KEY/__CA every connection is mutual TLS and --insecure has no
# effect; without them the silo runs in clear, with a warning, which only a private network makes acceptable.
CMD ["silo", "--role", "trainer", "--listen", "0.0.0.0", "--insecure"]

# ---- web: the leaderboard on :8080, hosting a web-role silo so the cluster stays up when trainers scale to zero
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS web
WORKDIR /app
COPY --from=build /out/cli /app/cli
COPY --from=build /out/web /app/web
ENV EMBEDSWEEPS_WEB=/app/web/EmbedSweeps.Web.dll EMBEDSWEEPS_HOME=/data
RUN mkdir -p /data && chown ${APP_UID}:${APP_UID} /data
WORKDIR /data
USER ${APP_UID}
EXPOSE 8080 11111 30000
ENTRYPOINT ["dotnet", "/app/cli/embedsweeps.dll"]
CMD ["serve", "--host-silo", "--role", "web", "--urls", "http://0.0.0.0:8080", "--listen", "0.0.0.0", "--insecure"]

# The default target is the trainer.
FROM trainer
