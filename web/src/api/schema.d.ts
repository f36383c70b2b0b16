/**
 * Generated from Aurora's OpenAPI document by `npm run web:api`. Do not edit.
 */

export interface paths {
    "/api/v1/alerts/{alertId}/payload": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The webhook body an alert's latest state came from, byte for byte as the source sent it */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    alertId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/approvals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Approvals of mutating agent actions, newest first (?status=pending for those waiting) */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    sessionId?: string;
                    status?: "pending" | "approved" | "denied" | "expired" | "cancelled";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** @enum {string} */
                                approverRole: "editor" | "admin";
                                callId: string;
                                createdAt: string;
                                decidedAt: string | null;
                                decidedBy: string | null;
                                expiresAt: string;
                                /** Format: uuid */
                                id: string;
                                input: unknown;
                                requestedBy: string | null;
                                resolution: {
                                    [key: string]: unknown;
                                } | null;
                                /** Format: uuid */
                                runId: string;
                                sessionId: string | null;
                                /** @enum {string} */
                                status: "pending" | "approved" | "denied" | "expired" | "cancelled";
                                summary: string;
                                tool: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/approvals/{approvalId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One approval */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    approvalId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            approverRole: "editor" | "admin";
                            callId: string;
                            createdAt: string;
                            decidedAt: string | null;
                            decidedBy: string | null;
                            expiresAt: string;
                            /** Format: uuid */
                            id: string;
                            input: unknown;
                            requestedBy: string | null;
                            resolution: {
                                [key: string]: unknown;
                            } | null;
                            /** Format: uuid */
                            runId: string;
                            sessionId: string | null;
                            /** @enum {string} */
                            status: "pending" | "approved" | "denied" | "expired" | "cancelled";
                            summary: string;
                            tool: string;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Approve or deny a pending action. The waiting run continues (on any process); if that run has ended, an approval runs the action now and records the result in `resolution`. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    approvalId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        decision: "approve" | "deny";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            approverRole: "editor" | "admin";
                            callId: string;
                            createdAt: string;
                            decidedAt: string | null;
                            decidedBy: string | null;
                            expiresAt: string;
                            /** Format: uuid */
                            id: string;
                            input: unknown;
                            requestedBy: string | null;
                            resolution: {
                                [key: string]: unknown;
                            } | null;
                            /** Format: uuid */
                            runId: string;
                            sessionId: string | null;
                            /** @enum {string} */
                            status: "pending" | "approved" | "denied" | "expired" | "cancelled";
                            summary: string;
                            tool: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit-log": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The org audit log, newest first */
        get: {
            parameters: {
                query?: {
                    action?: string;
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                action: string;
                                actor: {
                                    id?: string;
                                    type: string;
                                };
                                createdAt: string;
                                details: {
                                    [key: string]: unknown;
                                };
                                id: number;
                                ip: string;
                                outcome: string;
                                requestId: string;
                                targetId: string;
                                targetType: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in with e-mail and password; sets the session cookie */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        email: string;
                        /** Format: uuid */
                        orgId?: string;
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            authenticatedWith: "session" | "api_token";
                            organization: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                            };
                            organizations: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                /** @enum {string} */
                                role: "viewer" | "editor" | "admin";
                            }[];
                            /** @enum {string} */
                            role: "viewer" | "editor" | "admin";
                            user: {
                                email: string;
                                /** Format: uuid */
                                id: string;
                                name: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End the current session */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in user, org and role */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            authenticatedWith: "session" | "api_token";
                            organization: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                            };
                            organizations: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                /** @enum {string} */
                                role: "viewer" | "editor" | "admin";
                            }[];
                            /** @enum {string} */
                            role: "viewer" | "editor" | "admin";
                            user: {
                                email: string;
                                /** Format: uuid */
                                id: string;
                                name: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/session/organization": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Switch the session to another organization the user belongs to */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: uuid */
                        orgId: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            authenticatedWith: "session" | "api_token";
                            organization: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                            };
                            organizations: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                /** @enum {string} */
                                role: "viewer" | "editor" | "admin";
                            }[];
                            /** @enum {string} */
                            role: "viewer" | "editor" | "admin";
                            user: {
                                email: string;
                                /** Format: uuid */
                                id: string;
                                name: string;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/chat/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's chat sessions, most recently active first */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                activeRunId: string | null;
                                createdAt: string;
                                /** Format: uuid */
                                id: string;
                                title: string | null;
                                updatedAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/chat/sessions/{sessionId}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A session's messages in order, one item per message or part (text segment, tool call, tool result) */
        get: {
            parameters: {
                query?: {
                    afterSeq?: number;
                };
                header?: never;
                path: {
                    sessionId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                content: string;
                                createdAt: string;
                                data: {
                                    [key: string]: unknown;
                                } | null;
                                /** Format: uuid */
                                id: string;
                                /** @enum {string} */
                                kind: "text" | "tool_call" | "tool_result" | "error";
                                /** @enum {string} */
                                role: "user" | "assistant" | "tool";
                                runId: string | null;
                                seq: number;
                                /** @enum {string} */
                                status: "complete" | "cancelled" | "failed";
                                toolCallId: string | null;
                                toolName: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connectors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every provider, its auth kinds, and this org's connections */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            providers: {
                                authKinds: {
                                    available: boolean;
                                    /** @enum {string} */
                                    kind: "oauth2" | "service_account" | "aws_keys" | "aws_role" | "service_principal" | "kubeconfig" | "bearer" | "basic" | "api_key" | "token";
                                    label: string;
                                    reason?: string;
                                }[];
                                connections: {
                                    account: string | null;
                                    /** @enum {string} */
                                    authKind: "oauth2" | "service_account" | "aws_keys" | "aws_role" | "service_principal" | "kubeconfig" | "bearer" | "basic" | "api_key" | "token";
                                    createdAt: string;
                                    /** @description what the post-auth job found */
                                    discovery: {
                                        accounts?: {
                                            id: string;
                                            name?: string;
                                        }[];
                                        discoveredAt?: string;
                                        projects?: {
                                            name: string;
                                            projectId: string;
                                        }[];
                                        regions?: string[];
                                        repositories?: {
                                            fullName: string;
                                            private: boolean;
                                        }[];
                                        subscriptions?: {
                                            id: string;
                                            name: string;
                                        }[];
                                        truncated?: boolean;
                                    };
                                    /** Format: uuid */
                                    id: string;
                                    lastError: string | null;
                                    lastVerifiedAt: string | null;
                                    name: string;
                                    project: string | null;
                                    /** @enum {string} */
                                    provider: "gcp" | "aws" | "azure" | "kubernetes" | "prometheus" | "grafana" | "datadog" | "github" | "pagerduty" | "slack";
                                    region: string | null;
                                    scopes: string[];
                                    /** @description non-secret settings the connection is called with */
                                    settings: {
                                        clientEmail?: string;
                                        clientId?: string;
                                        context?: string;
                                        externalId?: string;
                                        login?: string;
                                        roleArn?: string;
                                        server?: string;
                                        site?: string;
                                        team?: string;
                                        tenantId?: string;
                                        url?: string;
                                    };
                                    /** @enum {string} */
                                    status: "active" | "needs_reauth" | "error";
                                    subscription: string | null;
                                    updatedAt: string;
                                }[];
                                description: string;
                                /** @enum {string} */
                                id: "gcp" | "aws" | "azure" | "kubernetes" | "prometheus" | "grafana" | "datadog" | "github" | "pagerduty" | "slack";
                                name: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connectors/{provider}/connections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Connect with credentials; they are checked with one read call before anything is saved */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    provider: "gcp" | "aws" | "azure" | "kubernetes" | "prometheus" | "grafana" | "datadog" | "github" | "pagerduty" | "slack";
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        accessKeyId: string;
                        /** @enum {string} */
                        kind: "aws_keys";
                        /** @description shown in the UI; defaults to the account found */
                        name?: string;
                        /** @description default region for tools; defaults to the configured CONNECTOR_AWS_REGION */
                        region?: string;
                        secretAccessKey: string;
                        sessionToken?: string;
                    } | {
                        /** @enum {string} */
                        kind: "aws_role";
                        /** @description shown in the UI; defaults to the account found */
                        name?: string;
                        /** @description default region for tools; defaults to the configured CONNECTOR_AWS_REGION */
                        region?: string;
                        roleArn: string;
                    } | {
                        clientId: string;
                        clientSecret: string;
                        /** @enum {string} */
                        kind: "service_principal";
                        /** @description shown in the UI; defaults to the account found */
                        name?: string;
                        /** @description defaults to the first subscription the principal can read */
                        subscriptionId?: string;
                        tenantId: string;
                    } | {
                        /** @description the JSON key file of a Google Cloud service account, as text */
                        key: string;
                        /** @enum {string} */
                        kind: "service_account";
                        /** @description shown in the UI; defaults to the account found */
                        name?: string;
                    } | {
                        context: string;
                        /** @enum {string} */
                        kind: "kubeconfig";
                        /** @description kubeconfig YAML; only inline credentials are accepted */
                        kubeconfig: string;
                        /** @description shown in the UI; defaults to the account found */
                        name?: string;
                    } | {
                        /** @enum {string} */
                        kind: "bearer";
                        /** @description shown in the UI; defaults to the account found */
                        name?: string;
                        token: string;
                        /**
                         * Format: uri
                         * @description http(s) URL; checked against the outbound (SSRF) policy
                         */
                        url: string;
                    } | {
                        /** @enum {string} */
                        kind: "basic";
                        /** @description shown in the UI; defaults to the account found */
                        name?: string;
                        password: string;
                        /**
                         * Format: uri
                         * @description http(s) URL; checked against the outbound (SSRF) policy
                         */
                        url: string;
                        username: string;
                    } | {
                        apiKey: string;
                        applicationKey: string;
                        /** @enum {string} */
                        kind: "api_key";
                        /** @description shown in the UI; defaults to the account found */
                        name?: string;
                        /** @enum {string} */
                        site: "datadoghq.com" | "us3.datadoghq.com" | "us5.datadoghq.com" | "datadoghq.eu" | "ap1.datadoghq.com" | "ap2.datadoghq.com" | "ddog-gov.com";
                    } | {
                        /** @enum {string} */
                        kind: "token";
                        /** @description shown in the UI; defaults to the account found */
                        name?: string;
                        token: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            account: string | null;
                            /** @enum {string} */
                            authKind: "oauth2" | "service_account" | "aws_keys" | "aws_role" | "service_principal" | "kubeconfig" | "bearer" | "basic" | "api_key" | "token";
                            createdAt: string;
                            /** @description what the post-auth job found */
                            discovery: {
                                accounts?: {
                                    id: string;
                                    name?: string;
                                }[];
                                discoveredAt?: string;
                                projects?: {
                                    name: string;
                                    projectId: string;
                                }[];
                                regions?: string[];
                                repositories?: {
                                    fullName: string;
                                    private: boolean;
                                }[];
                                subscriptions?: {
                                    id: string;
                                    name: string;
                                }[];
                                truncated?: boolean;
                            };
                            /** Format: uuid */
                            id: string;
                            lastError: string | null;
                            lastVerifiedAt: string | null;
                            name: string;
                            project: string | null;
                            /** @enum {string} */
                            provider: "gcp" | "aws" | "azure" | "kubernetes" | "prometheus" | "grafana" | "datadog" | "github" | "pagerduty" | "slack";
                            region: string | null;
                            scopes: string[];
                            /** @description non-secret settings the connection is called with */
                            settings: {
                                clientEmail?: string;
                                clientId?: string;
                                context?: string;
                                externalId?: string;
                                login?: string;
                                roleArn?: string;
                                server?: string;
                                site?: string;
                                team?: string;
                                tenantId?: string;
                                url?: string;
                            };
                            /** @enum {string} */
                            status: "active" | "needs_reauth" | "error";
                            subscription: string | null;
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connectors/{provider}/oauth/callback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** OAuth 2.0 redirect target; redirects to /settings/connectors?connected=… or ?error=… */
        get: {
            parameters: {
                query?: {
                    code?: string;
                    error?: string;
                    error_description?: string;
                    state?: string;
                };
                header?: never;
                path: {
                    provider: "gcp" | "github" | "slack";
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connectors/{provider}/oauth/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start OAuth 2.0 (PKCE S256); send the browser to authorizationUrl within 10 minutes */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    provider: "gcp" | "github" | "slack";
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            authorizationUrl: string;
                            expiresAt: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connectors/aws/external-id": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The external id this org's AWS roles must require (sts:ExternalId) for Aurora to assume them */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            externalId: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connectors/connections/{connectionId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One connection (never its credentials) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    connectionId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            account: string | null;
                            /** @enum {string} */
                            authKind: "oauth2" | "service_account" | "aws_keys" | "aws_role" | "service_principal" | "kubeconfig" | "bearer" | "basic" | "api_key" | "token";
                            createdAt: string;
                            /** @description what the post-auth job found */
                            discovery: {
                                accounts?: {
                                    id: string;
                                    name?: string;
                                }[];
                                discoveredAt?: string;
                                projects?: {
                                    name: string;
                                    projectId: string;
                                }[];
                                regions?: string[];
                                repositories?: {
                                    fullName: string;
                                    private: boolean;
                                }[];
                                subscriptions?: {
                                    id: string;
                                    name: string;
                                }[];
                                truncated?: boolean;
                            };
                            /** Format: uuid */
                            id: string;
                            lastError: string | null;
                            lastVerifiedAt: string | null;
                            name: string;
                            project: string | null;
                            /** @enum {string} */
                            provider: "gcp" | "aws" | "azure" | "kubernetes" | "prometheus" | "grafana" | "datadog" | "github" | "pagerduty" | "slack";
                            region: string | null;
                            scopes: string[];
                            /** @description non-secret settings the connection is called with */
                            settings: {
                                clientEmail?: string;
                                clientId?: string;
                                context?: string;
                                externalId?: string;
                                login?: string;
                                roleArn?: string;
                                server?: string;
                                site?: string;
                                team?: string;
                                tenantId?: string;
                                url?: string;
                            };
                            /** @enum {string} */
                            status: "active" | "needs_reauth" | "error";
                            subscription: string | null;
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Disconnect: revoke the grant where the provider supports it, delete the secret, clear caches */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    connectionId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            revocation: "revoked" | "failed" | "not_supported";
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connectors/connections/{connectionId}/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check the stored credentials again; the status follows the answer */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    connectionId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            account: string | null;
                            /** @enum {string} */
                            authKind: "oauth2" | "service_account" | "aws_keys" | "aws_role" | "service_principal" | "kubeconfig" | "bearer" | "basic" | "api_key" | "token";
                            createdAt: string;
                            /** @description what the post-auth job found */
                            discovery: {
                                accounts?: {
                                    id: string;
                                    name?: string;
                                }[];
                                discoveredAt?: string;
                                projects?: {
                                    name: string;
                                    projectId: string;
                                }[];
                                regions?: string[];
                                repositories?: {
                                    fullName: string;
                                    private: boolean;
                                }[];
                                subscriptions?: {
                                    id: string;
                                    name: string;
                                }[];
                                truncated?: boolean;
                            };
                            /** Format: uuid */
                            id: string;
                            lastError: string | null;
                            lastVerifiedAt: string | null;
                            name: string;
                            project: string | null;
                            /** @enum {string} */
                            provider: "gcp" | "aws" | "azure" | "kubernetes" | "prometheus" | "grafana" | "datadog" | "github" | "pagerduty" | "slack";
                            region: string | null;
                            scopes: string[];
                            /** @description non-secret settings the connection is called with */
                            settings: {
                                clientEmail?: string;
                                clientId?: string;
                                context?: string;
                                externalId?: string;
                                login?: string;
                                roleArn?: string;
                                server?: string;
                                site?: string;
                                team?: string;
                                tenantId?: string;
                                url?: string;
                            };
                            /** @enum {string} */
                            status: "active" | "needs_reauth" | "error";
                            subscription: string | null;
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connectors/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server-Sent Events: connector.created, connector.updated, connector.deleted */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/incidents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Incidents, newest first */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    limit?: number;
                    service?: string;
                    severity?: string;
                    /** @description only incidents started at or after this time */
                    since?: string;
                    status?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                alertCount: number;
                                assigneeId: string | null;
                                environment: string | null;
                                /** Format: uuid */
                                id: string;
                                mergedIntoId: string | null;
                                resolvedAt: string | null;
                                service: string | null;
                                /** @enum {string} */
                                severity: "critical" | "high" | "warning" | "info";
                                source: string;
                                startedAt: string;
                                /** @enum {string} */
                                status: "open" | "investigating" | "analyzed" | "resolved" | "merged";
                                title: string;
                                updatedAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/incidents/{incidentId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One incident with its alerts and timeline */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    incidentId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            alertCount: number;
                            alerts: {
                                annotations: {
                                    [key: string]: string;
                                };
                                correlation: {
                                    reason: string | null;
                                    score: number | null;
                                };
                                endsAt: string | null;
                                environment: string | null;
                                fingerprint: string;
                                /** Format: uuid */
                                id: string;
                                labels: {
                                    [key: string]: string;
                                };
                                lastSeenAt: string;
                                links: {
                                    [key: string]: string;
                                };
                                occurrences: number;
                                service: string | null;
                                /** @enum {string} */
                                severity: "critical" | "high" | "warning" | "info";
                                startsAt: string;
                                /** @enum {string} */
                                status: "firing" | "resolved";
                                title: string;
                            }[];
                            assigneeId: string | null;
                            environment: string | null;
                            /** Format: uuid */
                            id: string;
                            mergedIntoId: string | null;
                            resolvedAt: string | null;
                            service: string | null;
                            /** @enum {string} */
                            severity: "critical" | "high" | "warning" | "info";
                            source: string;
                            startedAt: string;
                            /** @enum {string} */
                            status: "open" | "investigating" | "analyzed" | "resolved" | "merged";
                            timeline: {
                                actor: {
                                    id: string | null;
                                    type: string;
                                };
                                at: string;
                                details: {
                                    [key: string]: unknown;
                                };
                                id: number;
                                type: string;
                            }[];
                            title: string;
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change status, severity or assignee */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    incidentId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        assigneeId?: string | null;
                        /** @enum {string} */
                        severity?: "critical" | "high" | "warning" | "info";
                        /** @enum {string} */
                        status?: "open" | "investigating" | "analyzed" | "resolved";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            alertCount: number;
                            assigneeId: string | null;
                            environment: string | null;
                            /** Format: uuid */
                            id: string;
                            mergedIntoId: string | null;
                            resolvedAt: string | null;
                            service: string | null;
                            /** @enum {string} */
                            severity: "critical" | "high" | "warning" | "info";
                            source: string;
                            startedAt: string;
                            /** @enum {string} */
                            status: "open" | "investigating" | "analyzed" | "resolved" | "merged";
                            title: string;
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/incidents/{incidentId}/alerts/{alertId}/detach": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Move one alert out into a new incident of its own; returns the new incident */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    alertId: string;
                    incidentId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            alertCount: number;
                            assigneeId: string | null;
                            environment: string | null;
                            /** Format: uuid */
                            id: string;
                            mergedIntoId: string | null;
                            resolvedAt: string | null;
                            service: string | null;
                            /** @enum {string} */
                            severity: "critical" | "high" | "warning" | "info";
                            source: string;
                            startedAt: string;
                            /** @enum {string} */
                            status: "open" | "investigating" | "analyzed" | "resolved" | "merged";
                            title: string;
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/incidents/{incidentId}/feedback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Feedback on the latest report; helpful reports and corrected causes become memory */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    incidentId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        comment?: string;
                        /** @description what the cause really was; naming the service makes it memory for similar incidents */
                        correctRootCause?: string;
                        helpful: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description what later similar incidents will recall, when the feedback named a cause */
                            memory: {
                                /** @enum {string} */
                                category: "deploy" | "config" | "resource_exhaustion" | "dependency" | "capacity" | "network" | "certificate" | "data" | "infrastructure";
                                service: string;
                            } | null;
                            /** @enum {boolean} */
                            recorded: true;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/incidents/{incidentId}/investigate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Queue an investigation of the incident (or return the one already queued or running for it) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    incidentId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description false when an investigation was already queued or running */
                            created: boolean;
                            /** Format: uuid */
                            investigationId: string;
                            /** @enum {string} */
                            status: "queued" | "running" | "completed" | "failed";
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/incidents/{incidentId}/investigation": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The incident's latest investigation: status, evidence, hypotheses, thoughts and report */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    incidentId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            attempt: number;
                            error: string | null;
                            evidence: {
                                durationMs: number;
                                error?: string;
                                excerpt: string;
                                hash: string;
                                id: string;
                                /** @enum {string} */
                                port: "topology" | "changes" | "metrics" | "logs" | "kubernetes" | "alerts" | "similar_incidents" | "runbooks";
                                query: string;
                                service: string | null;
                                source: string;
                                /** @enum {string} */
                                status: "ok" | "empty" | "failed" | "timed_out" | "invalid" | "not_configured";
                                timeRange: {
                                    from: string;
                                    to: string;
                                };
                            }[];
                            finishedAt: string | null;
                            hypotheses: {
                                /** @enum {string} */
                                category: "deploy" | "config" | "resource_exhaustion" | "dependency" | "capacity" | "network" | "certificate" | "data" | "infrastructure";
                                evidenceIds: string[];
                                factors: {
                                    anomalyStrength: number;
                                    blamedByNeighbours: number;
                                    changeProximity: number;
                                    explainedByDependency: number;
                                    newErrorSignatures: number;
                                    onsetOrder: number;
                                    similarIncidents: number;
                                    topologyDistance: number;
                                };
                                rank: number;
                                reasons: string[];
                                score: number;
                                service: string;
                            }[];
                            investigationId: string | null;
                            queuedAt: string | null;
                            report: {
                                /** @enum {string} */
                                confidence: "CONFIRMED" | "LIKELY" | "INCONCLUSIVE";
                                confidenceNote: string;
                                droppedClaims: string[];
                                /** @enum {string} */
                                generatedBy: "deterministic" | "model";
                                impact: {
                                    evidenceIds: string[];
                                    text: string;
                                };
                                notes?: string[];
                                remediations: {
                                    change?: string;
                                    command?: string;
                                    evidenceIds: string[];
                                    risk: string;
                                    title: string;
                                    undo: string;
                                }[];
                                rootCause: {
                                    /** @enum {string} */
                                    category: "deploy" | "config" | "resource_exhaustion" | "dependency" | "capacity" | "network" | "certificate" | "data" | "infrastructure";
                                    evidenceIds: string[];
                                    service: string;
                                    statement: string;
                                } | null;
                                ruledOut: {
                                    /** @enum {string} */
                                    category: "deploy" | "config" | "resource_exhaustion" | "dependency" | "capacity" | "network" | "certificate" | "data" | "infrastructure";
                                    evidenceIds: string[];
                                    service: string;
                                    text: string;
                                }[];
                                summary: string;
                                timeline: {
                                    evidenceIds: string[];
                                    text: string;
                                    time: string;
                                }[];
                                unavailableSources: {
                                    detail: string;
                                    evidenceId: string;
                                    /** @enum {string} */
                                    port: "topology" | "changes" | "metrics" | "logs" | "kubernetes" | "alerts" | "similar_incidents" | "runbooks";
                                    source: string;
                                    /** @enum {string} */
                                    status: "ok" | "empty" | "failed" | "timed_out" | "invalid" | "not_configured";
                                }[];
                            } | null;
                            startedAt: string | null;
                            /**
                             * @description `none`: the incident was never investigated
                             * @enum {string}
                             */
                            status: "queued" | "running" | "completed" | "failed" | "none";
                            thoughts: {
                                at: string;
                                kind: string;
                                sequence: number;
                                text: string;
                            }[];
                            trigger: string | null;
                            usage: {
                                costUsd: number;
                                inputTokens: number;
                                modelSteps: number;
                                outputTokens: number;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/incidents/{incidentId}/investigation/evidence": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Evidence items with their structured answers (metric points, log lines, changes): the latest investigation's, or `investigationId`'s */
        get: {
            parameters: {
                query?: {
                    investigationId?: string;
                };
                header?: never;
                path: {
                    incidentId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            investigationId: string | null;
                            items: {
                                data: ({
                                    graph: {
                                        dependencies: [
                                            string,
                                            string
                                        ][];
                                        services: {
                                            kind: string;
                                            name: string;
                                        }[];
                                    };
                                    /** @enum {string} */
                                    port: "topology";
                                } | {
                                    changes: {
                                        author?: string;
                                        kind: string;
                                        ref?: string;
                                        service: string;
                                        summary: string;
                                        time: string;
                                    }[];
                                    /** @enum {string} */
                                    port: "changes";
                                } | {
                                    /** @enum {string} */
                                    port: "metrics";
                                    series: {
                                        labels?: {
                                            [key: string]: string;
                                        };
                                        name: string;
                                        /** @description [epoch milliseconds, value], ascending */
                                        points: [
                                            number,
                                            number
                                        ][];
                                        service: string;
                                        unit?: string;
                                    }[];
                                } | {
                                    lines: {
                                        level: string;
                                        message: string;
                                        service: string;
                                        time: string;
                                    }[];
                                    /** @enum {string} */
                                    port: "logs";
                                    truncated: boolean;
                                } | {
                                    /** @enum {string} */
                                    port: "kubernetes";
                                    workload: {
                                        events: {
                                            message: string;
                                            namespace: string;
                                            object: string;
                                            reason: string;
                                            time: string;
                                            type: string;
                                        }[];
                                        pods: {
                                            lastTerminationReason?: string;
                                            name: string;
                                            namespace: string;
                                            node?: string;
                                            phase: string;
                                            reason?: string;
                                            restarts: number;
                                            service: string;
                                        }[];
                                        rollouts: {
                                            image?: string;
                                            replicaSet?: string;
                                            revision: number;
                                            time: string;
                                        }[];
                                        service: string;
                                    };
                                } | {
                                    alerts: {
                                        service: string | null;
                                        severity: string;
                                        source: string;
                                        status: string;
                                        time: string;
                                        title: string;
                                    }[];
                                    /** @enum {string} */
                                    port: "alerts";
                                } | {
                                    incidents: {
                                        /** @enum {string} */
                                        category: "deploy" | "config" | "resource_exhaustion" | "dependency" | "capacity" | "network" | "certificate" | "data" | "infrastructure";
                                        id: string;
                                        resolvedAt?: string;
                                        service: string;
                                        similarity: number;
                                        title: string;
                                    }[];
                                    /** @enum {string} */
                                    port: "similar_incidents";
                                } | {
                                    passages: {
                                        documentId: string;
                                        headingPath: string[];
                                        kind: string;
                                        page: number | null;
                                        score: number;
                                        text: string;
                                        title: string;
                                    }[];
                                    /** @enum {string} */
                                    port: "runbooks";
                                }) | null;
                                durationMs: number;
                                error?: string;
                                excerpt: string;
                                hash: string;
                                id: string;
                                /** @enum {string} */
                                port: "topology" | "changes" | "metrics" | "logs" | "kubernetes" | "alerts" | "similar_incidents" | "runbooks";
                                query: string;
                                service: string | null;
                                source: string;
                                /** @enum {string} */
                                status: "ok" | "empty" | "failed" | "timed_out" | "invalid" | "not_configured";
                                timeRange: {
                                    from: string;
                                    to: string;
                                };
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/incidents/{incidentId}/merge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Merge another incident (its alerts) into this one */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    incidentId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * Format: uuid
                         * @description the incident to merge into this one
                         */
                        incidentId: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            alertCount: number;
                            assigneeId: string | null;
                            environment: string | null;
                            /** Format: uuid */
                            id: string;
                            mergedIntoId: string | null;
                            resolvedAt: string | null;
                            service: string | null;
                            /** @enum {string} */
                            severity: "critical" | "high" | "warning" | "info";
                            source: string;
                            startedAt: string;
                            /** @enum {string} */
                            status: "open" | "investigating" | "analyzed" | "resolved" | "merged";
                            title: string;
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/incidents/{incidentId}/report.md": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The latest finished report as Markdown, evidence listed at the end */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    incidentId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/incidents/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server-Sent Events: incident.created, incident.updated, alert.received, investigation.started, investigation.thought, investigation.evidence, investigation.finished */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/integrations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The org's webhook integrations (never their secrets) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                createdAt: string;
                                enabled: boolean;
                                /** Format: uuid */
                                id: string;
                                lastReceivedAt: string | null;
                                mapping: {
                                    description?: string;
                                    environment?: string;
                                    externalId?: string;
                                    fingerprint?: string;
                                    service?: string;
                                    severity?: string;
                                    status?: string;
                                    title?: string;
                                } | null;
                                name: string;
                                /** @enum {string} */
                                source: "alertmanager" | "grafana" | "datadog" | "pagerduty" | "opsgenie" | "sentry" | "cloudwatch" | "generic";
                                updatedAt: string;
                                /** @description Webhook path; prefix it with the URL Aurora is reachable at */
                                url: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a webhook integration; the secret is shown only in this response */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description generic source only: JSON pointers to the fields */
                        mapping?: {
                            description?: string;
                            environment?: string;
                            externalId?: string;
                            fingerprint?: string;
                            service?: string;
                            severity?: string;
                            status?: string;
                            title?: string;
                        };
                        name: string;
                        /** @enum {string} */
                        source: "alertmanager" | "grafana" | "datadog" | "pagerduty" | "opsgenie" | "sentry" | "cloudwatch" | "generic";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            createdAt: string;
                            enabled: boolean;
                            /** Format: uuid */
                            id: string;
                            lastReceivedAt: string | null;
                            mapping: {
                                description?: string;
                                environment?: string;
                                externalId?: string;
                                fingerprint?: string;
                                service?: string;
                                severity?: string;
                                status?: string;
                                title?: string;
                            } | null;
                            name: string;
                            secret: string;
                            /** @enum {string} */
                            source: "alertmanager" | "grafana" | "datadog" | "pagerduty" | "opsgenie" | "sentry" | "cloudwatch" | "generic";
                            updatedAt: string;
                            /** @description Webhook path; prefix it with the URL Aurora is reachable at */
                            url: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/integrations/{integrationId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One integration */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    integrationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            createdAt: string;
                            enabled: boolean;
                            /** Format: uuid */
                            id: string;
                            lastReceivedAt: string | null;
                            mapping: {
                                description?: string;
                                environment?: string;
                                externalId?: string;
                                fingerprint?: string;
                                service?: string;
                                severity?: string;
                                status?: string;
                                title?: string;
                            } | null;
                            name: string;
                            /** @enum {string} */
                            source: "alertmanager" | "grafana" | "datadog" | "pagerduty" | "opsgenie" | "sentry" | "cloudwatch" | "generic";
                            updatedAt: string;
                            /** @description Webhook path; prefix it with the URL Aurora is reachable at */
                            url: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete an integration and its secret (stored alerts stay) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    integrationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        /** Rename, enable or disable an integration, or change its field mapping */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    integrationId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        enabled?: boolean;
                        mapping?: {
                            description?: string;
                            environment?: string;
                            externalId?: string;
                            fingerprint?: string;
                            service?: string;
                            severity?: string;
                            status?: string;
                            title?: string;
                        } | null;
                        name?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            createdAt: string;
                            enabled: boolean;
                            /** Format: uuid */
                            id: string;
                            lastReceivedAt: string | null;
                            mapping: {
                                description?: string;
                                environment?: string;
                                externalId?: string;
                                fingerprint?: string;
                                service?: string;
                                severity?: string;
                                status?: string;
                                title?: string;
                            } | null;
                            name: string;
                            /** @enum {string} */
                            source: "alertmanager" | "grafana" | "datadog" | "pagerduty" | "opsgenie" | "sentry" | "cloudwatch" | "generic";
                            updatedAt: string;
                            /** @description Webhook path; prefix it with the URL Aurora is reachable at */
                            url: string;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/integrations/{integrationId}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replace the secret; the old one stops working */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    integrationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            secret: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/knowledge/documents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Knowledge documents, newest first */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    kind?: string;
                    limit?: number;
                    status?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                bytes: number;
                                chunks: number;
                                createdAt: string;
                                embeddingModel: string | null;
                                /** @description why indexing failed, or a note on a degraded index */
                                error?: string;
                                fileName: string | null;
                                /** Format: uuid */
                                id: string;
                                indexedAt: string | null;
                                /** @enum {string} */
                                kind: "runbook" | "postmortem" | "doc" | "incident" | "conversation";
                                /** @description detected from the content */
                                mediaType: string | null;
                                pages: number | null;
                                /** @enum {string} */
                                status: "processing" | "indexed" | "failed";
                                tags: string[];
                                title: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Upload a document (multipart/form-data: `file`, optional `title`, `kind` runbook|postmortem|doc, `tags` comma-separated); it is indexed in the background */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** @enum {string} */
                            status: "processing";
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/knowledge/documents/{documentId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One document */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    documentId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            bytes: number;
                            chunks: number;
                            createdAt: string;
                            embeddingModel: string | null;
                            /** @description why indexing failed, or a note on a degraded index */
                            error?: string;
                            fileName: string | null;
                            /** Format: uuid */
                            id: string;
                            indexedAt: string | null;
                            /** @enum {string} */
                            kind: "runbook" | "postmortem" | "doc" | "incident" | "conversation";
                            /** @description detected from the content */
                            mediaType: string | null;
                            pages: number | null;
                            /** @enum {string} */
                            status: "processing" | "indexed" | "failed";
                            tags: string[];
                            title: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a document: its file, chunks and vectors */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    documentId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/knowledge/documents/{documentId}/reindex": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Extract, chunk and embed the document again */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    documentId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            bytes: number;
                            chunks: number;
                            createdAt: string;
                            embeddingModel: string | null;
                            /** @description why indexing failed, or a note on a degraded index */
                            error?: string;
                            fileName: string | null;
                            /** Format: uuid */
                            id: string;
                            indexedAt: string | null;
                            /** @enum {string} */
                            kind: "runbook" | "postmortem" | "doc" | "incident" | "conversation";
                            /** @description detected from the content */
                            mediaType: string | null;
                            pages: number | null;
                            /** @enum {string} */
                            status: "processing" | "indexed" | "failed";
                            tags: string[];
                            title: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/knowledge/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Hybrid search (full-text + vectors, reciprocal rank fusion) over the knowledge base */
        get: {
            parameters: {
                query: {
                    kind?: string;
                    limit?: number;
                    q: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            mode: "hybrid" | "lexical";
                            note?: string;
                            results: {
                                /** Format: uuid */
                                chunkId: string;
                                /** Format: uuid */
                                documentId: string;
                                headingPath: string[];
                                /** @enum {string} */
                                kind: "runbook" | "postmortem" | "doc" | "incident" | "conversation";
                                page: number | null;
                                score: number;
                                /** @description memory documents: the incident id (kind incident) or chat session id (kind conversation) */
                                sourceId: string | null;
                                text: string;
                                title: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/knowledge/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server-Sent Events: document.updated (status changes and indexing progress) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/mcp/servers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The org's external MCP servers; header and environment values are never returned */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** @enum {string} */
                                access: "readOnly" | "mutating";
                                args: string[] | null;
                                command: string | null;
                                createdAt: string;
                                enabled: boolean;
                                /** @description names only; values are never returned */
                                envNames: string[];
                                /** @description names only; values are never returned */
                                headerNames: string[];
                                /** Format: uuid */
                                id: string;
                                name: string;
                                timeoutMs: number;
                                toolAccess: {
                                    [key: string]: "readOnly" | "mutating";
                                };
                                /** @enum {string} */
                                transport: "stdio" | "http";
                                updatedAt: string;
                                url: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Register an MCP server: a stdio command (argument array, run without a shell; only where the operator enabled stdio servers) or a streamable HTTP URL. Its tools join the agent as {name}__{tool}, read-only unless marked mutating. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description every tool's access unless toolAccess names it; mutating tools need a human's approval per call
                         * @enum {string}
                         */
                        access?: "readOnly" | "mutating";
                        /** @description arguments, one per item (no shell quoting) */
                        args?: string[];
                        /** @description the executable (a path or a name on PATH); it is run directly, never through a shell */
                        command: string;
                        /** @description default true */
                        enabled?: boolean;
                        /** @description the server process's environment; values are kept in the secret store and never returned */
                        env?: {
                            [key: string]: string;
                        };
                        name: string;
                        /** @description per tool call; default 30,000 */
                        timeoutMs?: number;
                        /** @description per-tool access, keyed by the server's own tool name */
                        toolAccess?: {
                            [key: string]: "readOnly" | "mutating";
                        };
                        /** @enum {string} */
                        transport: "stdio";
                    } | {
                        /**
                         * @description every tool's access unless toolAccess names it; mutating tools need a human's approval per call
                         * @enum {string}
                         */
                        access?: "readOnly" | "mutating";
                        /** @description default true */
                        enabled?: boolean;
                        /** @description sent with every request; values are kept in the secret store and never returned */
                        headers?: {
                            [key: string]: string;
                        };
                        name: string;
                        /** @description per tool call; default 30,000 */
                        timeoutMs?: number;
                        /** @description per-tool access, keyed by the server's own tool name */
                        toolAccess?: {
                            [key: string]: "readOnly" | "mutating";
                        };
                        /** @enum {string} */
                        transport: "http";
                        /** @description the streamable HTTP endpoint, e.g. https://mcp.example.com/mcp */
                        url: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            access: "readOnly" | "mutating";
                            args: string[] | null;
                            command: string | null;
                            createdAt: string;
                            enabled: boolean;
                            /** @description names only; values are never returned */
                            envNames: string[];
                            /** @description names only; values are never returned */
                            headerNames: string[];
                            /** Format: uuid */
                            id: string;
                            name: string;
                            timeoutMs: number;
                            toolAccess: {
                                [key: string]: "readOnly" | "mutating";
                            };
                            /** @enum {string} */
                            transport: "stdio" | "http";
                            updatedAt: string;
                            url: string | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/mcp/servers/{serverId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One MCP server */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    serverId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            access: "readOnly" | "mutating";
                            args: string[] | null;
                            command: string | null;
                            createdAt: string;
                            enabled: boolean;
                            /** @description names only; values are never returned */
                            envNames: string[];
                            /** @description names only; values are never returned */
                            headerNames: string[];
                            /** Format: uuid */
                            id: string;
                            name: string;
                            timeoutMs: number;
                            toolAccess: {
                                [key: string]: "readOnly" | "mutating";
                            };
                            /** @enum {string} */
                            transport: "stdio" | "http";
                            updatedAt: string;
                            url: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Remove an MCP server and its stored secrets */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    serverId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        /** Change an MCP server. `headers` / `env` replace the stored values (null removes them; omit to keep). The connection is reopened with the new settings. */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    serverId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description every tool's access unless toolAccess names it; mutating tools need a human's approval per call
                         * @enum {string}
                         */
                        access?: "readOnly" | "mutating";
                        /** @description arguments, one per item (no shell quoting) */
                        args?: string[];
                        /** @description the executable (a path or a name on PATH); it is run directly, never through a shell */
                        command?: string;
                        enabled?: boolean;
                        /** @description replaces every variable; null removes them all */
                        env?: {
                            [key: string]: string;
                        } | null;
                        /** @description replaces every header; null removes them all */
                        headers?: {
                            [key: string]: string;
                        } | null;
                        name?: string;
                        /** @description per tool call; default 30,000 */
                        timeoutMs?: number;
                        /** @description per-tool access, keyed by the server's own tool name */
                        toolAccess?: {
                            [key: string]: "readOnly" | "mutating";
                        };
                        /** @description the streamable HTTP endpoint, e.g. https://mcp.example.com/mcp */
                        url?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            access: "readOnly" | "mutating";
                            args: string[] | null;
                            command: string | null;
                            createdAt: string;
                            enabled: boolean;
                            /** @description names only; values are never returned */
                            envNames: string[];
                            /** @description names only; values are never returned */
                            headerNames: string[];
                            /** Format: uuid */
                            id: string;
                            name: string;
                            timeoutMs: number;
                            toolAccess: {
                                [key: string]: "readOnly" | "mutating";
                            };
                            /** @enum {string} */
                            transport: "stdio" | "http";
                            updatedAt: string;
                            url: string | null;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/mcp/servers/{serverId}/tools": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Connect (if needed) and list the server's tools as the agent sees them, with their access; a connection error is reported in `error` */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    serverId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            connected: boolean;
                            error: string | null;
                            server: string;
                            tools: {
                                /** @enum {string} */
                                access: "readOnly" | "mutating";
                                description: string;
                                /** @description the name the agent sees ({server}__{tool}) */
                                name: string;
                                serverToolName: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Members of the org and their roles */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                email: string;
                                joinedAt: string;
                                name: string;
                                /** @enum {string} */
                                role: "viewer" | "editor" | "admin";
                                /** Format: uuid */
                                userId: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Add a member; a new e-mail creates the user (then a password is required) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        email: string;
                        name?: string;
                        password?: string;
                        /** @enum {string} */
                        role: "viewer" | "editor" | "admin";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            createdUser: boolean;
                            /** Format: uuid */
                            userId: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/members/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a member from the org */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    userId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a member's role */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    userId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        role: "viewer" | "editor" | "admin";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        trace?: never;
    };
    "/api/v1/settings/incidents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Correlation rules for this org */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            correlationThreshold: number;
                            correlationWindowMinutes: number;
                            resolveWhenAlertsResolve: boolean;
                            titleSimilarityWeight: number;
                        };
                    };
                };
            };
        };
        /** Change correlation rules (omitted fields keep their value) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        correlationThreshold?: number;
                        correlationWindowMinutes?: number;
                        resolveWhenAlertsResolve?: boolean;
                        titleSimilarityWeight?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            correlationThreshold: number;
                            correlationWindowMinutes: number;
                            resolveWhenAlertsResolve: boolean;
                            titleSimilarityWeight: number;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settings/llm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The org's effective model settings (its own, else the environment's), without the API key */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            baseUrl: string | null;
                            /** @description whether a key is stored; the key itself is never returned */
                            hasApiKey: boolean;
                            model: string | null;
                            provider: ("openai" | "anthropic" | "google" | "openrouter" | "ollama" | "openai-compatible") | null;
                            rcaModel: string | null;
                            /** @enum {string} */
                            source: "organization" | "environment" | "none";
                            summaryModel: string | null;
                        };
                    };
                };
            };
        };
        /** Override the environment's model settings for this org. The key goes to the secret store (omit it to keep the stored one, null to remove it). */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        apiKey?: string | null;
                        baseUrl?: string | null;
                        model: string;
                        /** @enum {string} */
                        provider: "openai" | "anthropic" | "google" | "openrouter" | "ollama" | "openai-compatible";
                        rcaModel?: string | null;
                        summaryModel?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            baseUrl: string | null;
                            /** @description whether a key is stored; the key itself is never returned */
                            hasApiKey: boolean;
                            model: string | null;
                            provider: ("openai" | "anthropic" | "google" | "openrouter" | "ollama" | "openai-compatible") | null;
                            rcaModel: string | null;
                            /** @enum {string} */
                            source: "organization" | "environment" | "none";
                            summaryModel: string | null;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settings/llm/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** One tiny call with the org's chat model: success, or the provider's error */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error?: string;
                            latencyMs: number;
                            model: string | null;
                            ok: boolean;
                            provider: string | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settings/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Notification channels (Slack, email, signed webhook); credentials are never returned */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            email: {
                                enabled: boolean;
                                events: ("investigation.started" | "investigation.finished" | "investigation.failed")[];
                                from: string;
                                host: string;
                                passwordConfigured: boolean;
                                port: number;
                                /** @enum {string} */
                                security: "tls" | "starttls" | "none";
                                to: string[];
                                updatedAt: string;
                                user: string | null;
                            } | null;
                            slack: {
                                botTokenConfigured: boolean;
                                channel: string | null;
                                enabled: boolean;
                                events: ("investigation.started" | "investigation.finished" | "investigation.failed")[];
                                /** @enum {string} */
                                mode: "webhook" | "bot";
                                updatedAt: string;
                                webhookUrlConfigured: boolean;
                            } | null;
                            webhook: {
                                enabled: boolean;
                                events: ("investigation.started" | "investigation.finished" | "investigation.failed")[];
                                /** @description only in the response that created or rotated it: store it now, it is never shown again */
                                signingSecret?: string;
                                signingSecretConfigured: boolean;
                                updatedAt: string;
                                url: string;
                            } | null;
                        };
                    };
                };
            };
        };
        /** Configure notification channels; a new webhook signing secret is shown once in the response */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description each channel given replaces that channel (secrets omitted are kept); null removes it; omitted is unchanged */
            requestBody: {
                content: {
                    "application/json": {
                        email?: {
                            /** @description default true */
                            enabled?: boolean;
                            /** @description which events this channel receives; default all */
                            events?: ("investigation.started" | "investigation.finished" | "investigation.failed")[];
                            /** Format: email */
                            from: string;
                            host: string;
                            /** @description stored as a secret, never returned; omit to keep, null to remove */
                            password?: string | null;
                            /** @description default 465 for tls, 587 for starttls, 25 for none */
                            port?: number;
                            /**
                             * @description tls: implicit TLS; starttls: upgrade required; none: plain text (local relays only)
                             * @default starttls
                             * @enum {string}
                             */
                            security?: "tls" | "starttls" | "none";
                            to: string[];
                            user?: string | null;
                        } | null;
                        slack?: ({
                            /** @description default true */
                            enabled?: boolean;
                            /** @description which events this channel receives; default all */
                            events?: ("investigation.started" | "investigation.finished" | "investigation.failed")[];
                            /** @enum {string} */
                            mode: "webhook";
                            /** @description the incoming webhook URL (a credential: stored as a secret, never returned); omit to keep */
                            webhookUrl?: string;
                        } | {
                            /** @description a bot token (xoxb-…) with chat:write; stored as a secret, never returned; omit to keep */
                            botToken?: string;
                            channel: string;
                            /** @description default true */
                            enabled?: boolean;
                            /** @description which events this channel receives; default all */
                            events?: ("investigation.started" | "investigation.finished" | "investigation.failed")[];
                            /** @enum {string} */
                            mode: "bot";
                        }) | null;
                        webhook?: {
                            /** @description default true */
                            enabled?: boolean;
                            /** @description which events this channel receives; default all */
                            events?: ("investigation.started" | "investigation.finished" | "investigation.failed")[];
                            /** @description issue a new signing secret (shown once in the response) */
                            rotateSecret?: boolean;
                            /** @description where Aurora POSTs signed JSON */
                            url: string;
                        } | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            email: {
                                enabled: boolean;
                                events: ("investigation.started" | "investigation.finished" | "investigation.failed")[];
                                from: string;
                                host: string;
                                passwordConfigured: boolean;
                                port: number;
                                /** @enum {string} */
                                security: "tls" | "starttls" | "none";
                                to: string[];
                                updatedAt: string;
                                user: string | null;
                            } | null;
                            slack: {
                                botTokenConfigured: boolean;
                                channel: string | null;
                                enabled: boolean;
                                events: ("investigation.started" | "investigation.finished" | "investigation.failed")[];
                                /** @enum {string} */
                                mode: "webhook" | "bot";
                                updatedAt: string;
                                webhookUrlConfigured: boolean;
                            } | null;
                            webhook: {
                                enabled: boolean;
                                events: ("investigation.started" | "investigation.finished" | "investigation.failed")[];
                                /** @description only in the response that created or rotated it: store it now, it is never shown again */
                                signingSecret?: string;
                                signingSecretConfigured: boolean;
                                updatedAt: string;
                                url: string;
                            } | null;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settings/notifications/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Recent notification deliveries, newest first, with attempts and the last error */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                attempts: number;
                                /** @enum {string} */
                                channel: "slack" | "email" | "webhook";
                                createdAt: string;
                                deliveredAt: string | null;
                                /** @enum {string} */
                                event: "investigation.started" | "investigation.finished" | "investigation.failed";
                                /** Format: uuid */
                                id: string;
                                incidentId: string | null;
                                lastError: string | null;
                                /** @enum {string} */
                                status: "pending" | "delivered" | "failed";
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settings/notifications/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a test message to every configured channel; reports each channel's result */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            results: {
                                /** @enum {string} */
                                channel: "slack" | "email" | "webhook";
                                /** @description the provider's answer when the send failed */
                                error?: string;
                                ok: boolean;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/setup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Whether first-run setup is done (an admin exists) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            createAdminCommand: string;
                            hasAdmin: boolean;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** API tokens: your own, or every token in the org for admins */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                createdAt: string;
                                expiresAt: string | null;
                                /** Format: uuid */
                                id: string;
                                lastUsedAt: string | null;
                                name: string;
                                /** @description The first characters of the token, to recognise it */
                                prefix: string;
                                revokedAt: string | null;
                                /** @enum {string} */
                                role: "viewer" | "editor" | "admin";
                                /** Format: uuid */
                                userId: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create an API token; the token is shown only in this response */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        expiresInDays?: number;
                        name: string;
                        /**
                         * @description At most your own role; defaults to it
                         * @enum {string}
                         */
                        role?: "viewer" | "editor" | "admin";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            apiToken: {
                                createdAt: string;
                                expiresAt: string | null;
                                /** Format: uuid */
                                id: string;
                                lastUsedAt: string | null;
                                name: string;
                                /** @description The first characters of the token, to recognise it */
                                prefix: string;
                                revokedAt: string | null;
                                /** @enum {string} */
                                role: "viewer" | "editor" | "admin";
                                /** Format: uuid */
                                userId: string;
                            };
                            token: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens/{tokenId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API token (your own, or any in the org for admins) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    tokenId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Model tokens and estimated cost in this org, by user, chat session and model (default: last 30 days) */
        get: {
            parameters: {
                query?: {
                    from?: string;
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            byModel: {
                                calls: number;
                                costUsd: number;
                                inputTokens: number;
                                model: string;
                                outputTokens: number;
                                priced: boolean;
                                provider: string;
                            }[];
                            bySession: {
                                calls: number;
                                costUsd: number;
                                inputTokens: number;
                                outputTokens: number;
                                /** Format: uuid */
                                sessionId: string;
                            }[];
                            byUser: {
                                calls: number;
                                costUsd: number;
                                inputTokens: number;
                                outputTokens: number;
                                userId: string | null;
                            }[];
                            currentUserCostUsd: number;
                            from: string;
                            to: string;
                            totals: {
                                calls: number;
                                costUsd: number;
                                inputTokens: number;
                                outputTokens: number;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/ws-ticket": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A single-use ticket, valid 60 seconds, for opening /ws?ticket=… from a browser */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            expiresInSeconds: number;
                            ticket: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process is up and serving */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ok";
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/hooks/{source}/{integrationId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Receive alerts from a monitoring tool (authenticated by the integration secret) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    integrationId: string;
                    source: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description alerts stored from this delivery */
                            accepted: number;
                            /** @description true when the same delivery was already stored recently (a no-op) */
                            duplicate: boolean;
                            subscriptionConfirmed?: boolean;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics (text exposition format) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: 200 when the database, queue, object store and secret store all answer; 503 naming the failing parts */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: never;
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
