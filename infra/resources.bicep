// The resources of one EmbedSweeps deployment. Every app runs as one user-assigned identity that may
// pull images and read/write the storage account's tables and blobs — no keys anywhere.
param location string
param tags object
@minLength(13)
param token string
@secure()
param adminPassword string
param gpuProfileType string
param trainerMaxReplicas int
@secure()
param clusterTlsCertificate string
@secure()
param clusterTlsKey string
param clusterTlsCa string

// Built-in role definition ids.
var acrPull = '7f951dda-4ed3-4680-a7ca-43fe172d538d'
var blobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var tableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-embedsweeps-${token}'
  location: location
  tags: tags
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'stes${token}'
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false // identities only
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: 'cres${token}'
  location: location
  tags: tags
  sku: { name: 'Basic' }
  properties: { adminUserEnabled: false }
}

resource roles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [blobDataContributor, tableDataContributor]: {
  name: guid(storage.id, identity.id, role)
  scope: storage
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

resource pull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identity.id, acrPull)
  scope: registry
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPull)
  }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-embedsweeps-${token}'
  location: location
  tags: tags
  properties: { sku: { name: 'PerGB2018' }, retentionInDays: 30 }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: 'cae-embedsweeps-${token}'
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: { customerId: logs.properties.customerId, sharedKey: logs.listKeys().primarySharedKey }
    }
    workloadProfiles: [
      { name: 'Consumption', workloadProfileType: 'Consumption' }
      { name: 'gpu', workloadProfileType: gpuProfileType }
    ]
  }
}

// Settings both apps share: storage through the identity, one cluster per deployment.
// Mutual TLS between silos when the certificates are given (each value is PEM text, kept as a secret); otherwise plain
// TCP on the environment's private network, asked for explicitly with --insecure.
var clusterTls = !empty(clusterTlsCa) && !empty(clusterTlsCertificate) && !empty(clusterTlsKey) // all three, or plain TCP
var tlsSecrets = clusterTls ? [
  { name: 'cluster-tls-certificate', value: clusterTlsCertificate }
  { name: 'cluster-tls-key', value: clusterTlsKey }
  { name: 'cluster-tls-ca', value: clusterTlsCa }
] : []
var tlsEnv = clusterTls ? [
  { name: 'EMBEDSWEEPS__CLUSTER__TLS__CERTIFICATE', secretRef: 'cluster-tls-certificate' }
  { name: 'EMBEDSWEEPS__CLUSTER__TLS__KEY', secretRef: 'cluster-tls-key' }
  { name: 'EMBEDSWEEPS__CLUSTER__TLS__CA', secretRef: 'cluster-tls-ca' }
] : []
var listenArgs = clusterTls ? ['--listen', '0.0.0.0'] : ['--listen', '0.0.0.0', '--insecure']

var storageEnv = [
  { name: 'EMBEDSWEEPS__STORAGE__ACCOUNTNAME', value: storage.name }
  { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
]

resource web 'Microsoft.App/containerApps@2024-03-01' = {
  name: 'ca-web-${token}'
  location: location
  tags: union(tags, { 'azd-service-name': 'web' })
  identity: { type: 'UserAssigned', userAssignedIdentities: { '${identity.id}': {} } }
  dependsOn: [roles, pull]
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      ingress: { external: true, targetPort: 8080, transport: 'http', allowInsecure: false }
      registries: [{ server: registry.properties.loginServer, identity: identity.id }]
      secrets: concat([{ name: 'admin-password', value: adminPassword }], tlsSecrets)
    }
    template: {
      containers: [{
        name: 'web'
        image: 'mcr.microsoft.com/dotnet/aspnet:10.0' // replaced by azd deploy
        resources: { cpu: json('1.0'), memory: '2Gi' }
        env: concat(storageEnv, tlsEnv, [
          { name: 'EMBEDSWEEPS__WEB__ADMINPASSWORD', secretRef: 'admin-password' }
          { name: 'EMBEDSWEEPS__WEB__BEHINDPROXY', value: 'true' } // client address and https from the ingress's X-Forwarded-* headers
        ])
        args: concat(['serve', '--host-silo', '--role', 'web', '--urls', 'http://0.0.0.0:8080'], listenArgs)
      }]
      // The web-role silo keeps the cluster's grains alive while trainers scale to zero: always one.
      scale: { minReplicas: 1, maxReplicas: 1 }
    }
  }
}

resource trainer 'Microsoft.App/containerApps@2024-03-01' = {
  name: 'ca-trainer-${token}'
  location: location
  tags: union(tags, { 'azd-service-name': 'trainer' })
  identity: { type: 'UserAssigned', userAssignedIdentities: { '${identity.id}': {} } }
  dependsOn: [roles, pull]
  properties: {
    environmentId: environment.id
    workloadProfileName: 'gpu'
    configuration: {
      registries: [{ server: registry.properties.loginServer, identity: identity.id }]
      secrets: tlsSecrets
    }
    template: {
      containers: [{
        name: 'trainer'
        image: 'mcr.microsoft.com/dotnet/aspnet:10.0' // replaced by azd deploy
        resources: { cpu: json('8.0'), memory: '56Gi' }
        env: concat(storageEnv, tlsEnv)
        // One slot per GPU the runtime exposes; listening beyond loopback is explicit, with TLS or --insecure.
        args: concat(['silo', '--role', 'trainer'], listenArgs)
      }]
      scale: { minReplicas: 0, maxReplicas: trainerMaxReplicas }
    }
  }
}

output registryEndpoint string = registry.properties.loginServer
output storageAccountName string = storage.name
output webUri string = 'https://${web.properties.configuration.ingress.fqdn}'
