console.log('helpdesk');
