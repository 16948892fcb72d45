// EmbedSweeps on Azure Container Apps: one resource group with a storage account, a registry, a
// Container Apps environment (with a serverless GPU workload profile), the web app and the trainers.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names and tags every resource.')
param environmentName string

@minLength(1)
@description('Azure region (one that offers serverless GPUs in Container Apps for the trainer).')
param location string

@secure()
@minLength(8)
@description('The leaderboard administrator password (promotion and cancelling); there is no default.')
param adminPassword string

@description('GPU workload profile type for the trainers.')
param gpuProfileType string = 'Consumption-GPU-NC8as-T4'

@minValue(0)
@maxValue(20)
param trainerMaxReplicas int = 2

@secure()
@description('Mutual TLS between silos: each silo\'s certificate (PEM), issued by clusterTlsCa. Empty: plain TCP on the environment\'s private network (--insecure).')
param clusterTlsCertificate string = ''

@secure()
@description('The private key (PEM) of clusterTlsCertificate.')
param clusterTlsKey string = ''

@description('The cluster\'s CA certificate (PEM): silos and clients accept only peers whose certificate it issued.')
param clusterTlsCa string = ''

var tags = { 'azd-env-name': environmentName }
var token = toLower(uniqueString(subscription().id, environmentName, location))

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module resources 'resources.bicep' = {
  name: 'resources'
  scope: group
  params: {
    location: location
    tags: tags
    token: token
    adminPassword: adminPassword
    gpuProfileType: gpuProfileType
    trainerMaxReplicas: trainerMaxReplicas
    clusterTlsCertificate: clusterTlsCertificate
    clusterTlsKey: clusterTlsKey
    clusterTlsCa: clusterTlsCa
  }
}

output AZURE_CONTAINER_REGISTRY_ENDPOINT string = resources.outputs.registryEndpoint
output AZURE_STORAGE_ACCOUNT_NAME string = resources.outputs.storageAccountName
output SERVICE_WEB_URI string = resources.outputs.webUri
