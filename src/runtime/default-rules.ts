// Bulwark's own runtime rules, in Falco's syntax (loaded like any user file, name
// "bulwark-default-rules.yaml"). Kept as text here so the one-file CLI bundle carries it.
export const DEFAULT_RULES_NAME = "bulwark-default-rules.yaml";

export const DEFAULT_RULES = `# Bulwark default runtime rules (Falco rule syntax).
- required_engine_version: 0.31.0

- macro: container
  condition: (container.id != host)

- macro: spawned_process
  condition: (evt.type in (execve, execveat) and evt.dir=<)

- macro: open_read
  condition: (evt.type in (open, openat, openat2) and evt.is_open_read=true and fd.typechar='f' and fd.num>=0)

- macro: open_write
  condition: (evt.type in (open, openat, openat2) and evt.is_open_write=true and fd.typechar='f' and fd.num>=0)

- list: shell_binaries
  items: [ash, bash, csh, ksh, sh, tcsh, zsh, dash, fish, busybox-sh]

- list: package_mgmt_binaries
  items: [dpkg, dpkg-deb, dpkg-query, apt, apt-get, apt-cache, aptitude, rpm, dnf, yum, microdnf, zypper, apk, pacman,
          pip, pip3, gem, npm, yarn, pnpm, conda, cargo, go]

- list: sensitive_file_names
  items: [/etc/shadow, /etc/gshadow, /etc/sudoers, /etc/master.passwd, /etc/security/opasswd]

- list: ssh_key_names
  items: [id_rsa, id_dsa, id_ecdsa, id_ed25519, id_ecdsa_sk, id_ed25519_sk, authorized_keys, ssh_host_rsa_key, ssh_host_ecdsa_key, ssh_host_ed25519_key]

- list: trusted_sensitive_readers
  items: [sshd, login, su, sudo, passwd, unix_chkpwd, chage, useradd, usermod, userdel, groupadd, pwck, grpck, cron, crond, systemd-logind, polkitd]

- macro: cloud_credentials
  condition: >
    (fd.name glob '*/.aws/credentials' or fd.name glob '*/.aws/config' or
     fd.name glob '*/.config/gcloud/*' or fd.name glob '*/.azure/*' or
     fd.name glob '*/.kube/config' or fd.name glob '*/.docker/config.json')

- macro: service_account_token
  condition: (fd.name pmatch (/var/run/secrets/kubernetes.io, /run/secrets/kubernetes.io, /var/run/secrets/eks.amazonaws.com, /var/run/secrets/tokens))

- list: allowed_outbound_ports
  items: [53, 80, 443]

- list: system_binary_directories
  items: [/bin, /sbin, /usr/bin, /usr/sbin, /usr/local/bin, /usr/local/sbin, /lib, /lib64, /usr/lib, /usr/lib64]

- list: known_setuid_binaries
  items: [sudo, su, newgrp, passwd, chsh, chfn, gpasswd, pkexec, mount, umount, ping, sshd]

- rule: Shell spawned in a container
  desc: A shell was started inside a container (kubectl exec, a web shell, a reverse shell or an entrypoint script).
  condition: spawned_process and container and proc.name in (shell_binaries)
  output: Shell spawned in a container (user=%user.name uid=%user.uid shell=%proc.name cmdline=%proc.cmdline parent=%proc.pname exepath=%proc.exepath container_id=%container.id container_name=%container.name image=%container.image.repository)
  priority: WARNING
  tags: [bulwark, container, shell, mitre_execution, T1059.004]

- rule: Sensitive file opened for reading
  desc: A password database, SSH private key, cloud credential or service-account token was opened for reading by a program not known to need it.
  condition: >
    open_read and
    (fd.name in (sensitive_file_names) or fd.filename in (ssh_key_names) or cloud_credentials or
     (container and service_account_token)) and
    not proc.name in (trusted_sensitive_readers)
  output: Sensitive file opened for reading (file=%fd.name user=%user.name uid=%user.uid process=%proc.name cmdline=%proc.cmdline parent=%proc.pname flags=%evt.arg.flags container_id=%container.id container_name=%container.name image=%container.image.repository)
  priority: WARNING
  tags: [bulwark, host, container, filesystem, mitre_credential_access, T1552]

- rule: Package manager run in a container
  desc: A package manager ran inside a running container; containers should be immutable (rebuild the image instead).
  condition: spawned_process and container and proc.name in (package_mgmt_binaries)
  output: Package manager run in a container (process=%proc.name cmdline=%proc.cmdline parent=%proc.pname user=%user.name container_id=%container.id container_name=%container.name image=%container.image.repository)
  priority: ERROR
  tags: [bulwark, container, process, software_mgmt, mitre_persistence, T1543]

- rule: Write below a system binary directory
  desc: A file below a system binary or library directory was opened for writing by something other than a package manager.
  condition: open_write and fd.name pmatch (system_binary_directories) and not proc.name in (package_mgmt_binaries)
  output: File below a system binary directory opened for writing (file=%fd.name flags=%evt.arg.flags process=%proc.name cmdline=%proc.cmdline parent=%proc.pname user=%user.name container_id=%container.id container_name=%container.name image=%container.image.repository)
  priority: ERROR
  tags: [bulwark, host, container, filesystem, mitre_persistence, T1543]

- rule: Outbound connection to a non-allowed port
  desc: A process in a container connected (or tried to) to a TCP or UDP port outside allowed_outbound_ports.
  condition: >
    evt.type=connect and evt.dir=< and (fd.typechar=4 or fd.typechar=6) and container and
    not fd.sport in (allowed_outbound_ports)
  output: Outbound connection to a non-allowed port (connection=%fd.name port=%fd.sport proto=%fd.l4proto result=%evt.res process=%proc.name cmdline=%proc.cmdline user=%user.name container_id=%container.id container_name=%container.name image=%container.image.repository)
  priority: NOTICE
  tags: [bulwark, container, network, mitre_command_and_control, T1571]

- rule: Setuid escalation attempt
  desc: A process running as a non-root user asked to become root (setuid family) and is not a known setuid program.
  condition: >
    evt.type in (setuid, setreuid, setresuid) and evt.dir=> and user.uid != 0 and
    (evt.arg.uid = 0 or evt.arg.ruid = 0 or evt.arg.euid = 0 or evt.arg.suid = 0) and
    not proc.name in (known_setuid_binaries)
  output: Non-root process asked to become root (syscall=%evt.type args=%evt.args user=%user.name uid=%user.uid process=%proc.name cmdline=%proc.cmdline parent=%proc.pname container_id=%container.id container_name=%container.name image=%container.image.repository)
  priority: CRITICAL
  tags: [bulwark, host, container, users, mitre_privilege_escalation, T1548.001]

- rule: Executable not in the container image
  desc: >
    Container drift: a program that is not part of the container's image was run (written after the
    container started). Needs the image's file list (bulwark drift's index) for the container.
  condition: spawned_process and container and proc.is_exe_upper_layer=true
  output: Executable not in the container image was run (exepath=%proc.exepath cmdline=%proc.cmdline parent=%proc.pname user=%user.name container_id=%container.id container_name=%container.name image=%container.image.repository)
  priority: CRITICAL
  tags: [bulwark, container, process, drift, mitre_persistence, TA0003]

# Kubernetes audit events (k8s_audit source: --source k8s-audit).
- macro: kevt
  condition: (ka.stage in (ResponseComplete, Panic))

- list: workload_resources
  items: [pods, deployments, daemonsets, statefulsets, replicasets, replicationcontrollers, jobs, cronjobs]

- list: rbac_resources
  items: [roles, clusterroles, rolebindings, clusterrolebindings]

- list: allowed_secret_readers
  items: []

# The API server writes the default roles and bindings itself at every start.
- list: rbac_bootstrap_users
  items: [system:apiserver]

- rule: Exec or attach into a pod
  desc: Someone ran a command in (kubectl exec) or attached to a container of a pod.
  condition: kevt and ka.target.resource=pods and ka.target.subresource in (exec, attach) and ka.verb in (create, get)
  output: Exec/attach into a pod (user=%ka.user.name pod=%ka.target.name namespace=%ka.target.namespace subresource=%ka.target.subresource command=%ka.uri.param[command] response=%ka.response.code)
  priority: NOTICE
  source: k8s_audit
  tags: [bulwark, k8s, mitre_execution, T1609]

- rule: Privileged workload created
  desc: A pod (or a workload template) with a privileged container was created or changed.
  condition: kevt and ka.target.resource in (workload_resources) and ka.verb in (create, update, patch) and ka.req.pod.containers.privileged intersects (true)
  output: Privileged workload created (user=%ka.user.name resource=%ka.target.resource name=%ka.target.name namespace=%ka.target.namespace images=%ka.req.pod.containers.image response=%ka.response.code)
  priority: WARNING
  source: k8s_audit
  tags: [bulwark, k8s, mitre_privilege_escalation, T1610]

- rule: HostPath volume in a workload
  desc: A pod (or a workload template) mounting a host path was created or changed.
  condition: kevt and ka.target.resource in (workload_resources) and ka.verb in (create, update, patch) and ka.req.pod.volumes.hostpath exists
  output: Workload with a hostPath volume (user=%ka.user.name resource=%ka.target.resource name=%ka.target.name namespace=%ka.target.namespace hostpaths=%ka.req.pod.volumes.hostpath response=%ka.response.code)
  priority: WARNING
  source: k8s_audit
  tags: [bulwark, k8s, mitre_privilege_escalation, T1611]

- rule: Secret read by an unusual service account
  desc: A service account outside kube-system and allowed_secret_readers read, listed or watched secrets.
  condition: >
    kevt and ka.target.resource=secrets and ka.verb in (get, list, watch) and
    ka.user.name startswith "system:serviceaccount:" and
    not ka.user.name startswith "system:serviceaccount:kube-system:" and
    not ka.user.name in (allowed_secret_readers)
  output: Secret read by a service account (user=%ka.user.name verb=%ka.verb secret=%ka.target.name namespace=%ka.target.namespace response=%ka.response.code decision=%ka.auth.decision)
  priority: WARNING
  source: k8s_audit
  tags: [bulwark, k8s, mitre_credential_access, T1552.007]

- rule: RBAC object changed
  desc: A Role, ClusterRole or binding was created, changed or deleted.
  condition: kevt and ka.target.resource in (rbac_resources) and ka.verb in (create, update, patch, delete, deletecollection) and not ka.user.name in (rbac_bootstrap_users)
  output: RBAC object changed (user=%ka.user.name verb=%ka.verb resource=%ka.target.resource name=%ka.target.name namespace=%ka.target.namespace response=%ka.response.code)
  priority: NOTICE
  source: k8s_audit
  tags: [bulwark, k8s, mitre_persistence, T1098]

- rule: Anonymous request allowed
  desc: The API server authorized a request from system:anonymous.
  condition: kevt and ka.user.name = "system:anonymous" and ka.auth.decision = allow
  output: Anonymous request allowed (verb=%ka.verb uri=%ka.uri source_ips=%ka.sourceips reason=%ka.auth.reason response=%ka.response.code)
  priority: CRITICAL
  source: k8s_audit
  tags: [bulwark, k8s, mitre_initial_access, T1078.001]
`;
